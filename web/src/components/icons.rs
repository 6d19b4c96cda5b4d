//! Inline SVG icons for the controls, so no icon font (and no network) is needed and every
//! glyph renders the same on every system. Icons are decorative: each control also has text.

use yew::prelude::*;

/// Which icon to draw.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IconName {
    /// ⏮ step back.
    StepBack,
    /// ▶ play.
    Play,
    /// ⏸ pause.
    Pause,
    /// ⏭ step forward.
    Step,
    /// ↺ reset.
    Reset,
    /// ⤓ jump to the end of the timeline.
    ToNow,
    /// A projector screen (presenter mode).
    Presenter,
    /// The product mark: a ship's wheel.
    Wheel,
    /// A panel collapsing to the left.
    CollapseLeft,
    /// A panel collapsing to the right.
    CollapseRight,
    /// A stopwatch (a lesson's declared time scale).
    Stopwatch,
}

/// Properties of [`Icon`].
#[derive(Properties, PartialEq)]
pub struct IconProps {
    /// The icon.
    pub name: IconName,
    /// Size in CSS pixels (default 18).
    #[prop_or(18)]
    pub size: u32,
}

/// One icon, drawn in the current text colour.
#[function_component(Icon)]
pub fn icon(props: &IconProps) -> Html {
    let body = match props.name {
        IconName::StepBack => html! { <path d="M4 4h2.4v12H4z M16 4v12L7.5 10z" /> },
        IconName::Play => html! { <path d="M6 3.5l10 6.5-10 6.5z" /> },
        IconName::Pause => html! { <path d="M5 4h3.6v12H5z M11.4 4H15v12h-3.6z" /> },
        IconName::Step => html! { <path d="M4 4l8.5 6L4 16z M13.6 4H16v12h-2.4z" /> },
        IconName::Reset => html! {
            <>
                <path d="M15.5 10a5.5 5.5 0 1 1-1.8-4.1" fill="none" stroke="currentColor"
                    stroke-width="2" stroke-linecap="round" />
                <path d="M16.5 2.8v4.9h-4.9z" />
            </>
        },
        IconName::ToNow => html! { <path d="M3 4l6 6-6 6z M10 4l6 6-6 6z" /> },
        IconName::Presenter => html! {
            <>
                <rect x="2.5" y="3.5" width="15" height="10" rx="1" fill="none"
                    stroke="currentColor" stroke-width="1.8" />
                <path d="M9.1 13.5h1.8v3H9.1z M6 16h8v1.6H6z" />
            </>
        },
        IconName::Wheel => html! {
            <>
                <circle cx="10" cy="10" r="6" fill="none" stroke="currentColor" stroke-width="1.8" />
                <circle cx="10" cy="10" r="1.8" />
                <path d="M10 1.5v17 M1.5 10h17 M4 4l12 12 M16 4L4 16" stroke="currentColor"
                    stroke-width="1.6" stroke-linecap="round" />
            </>
        },
        IconName::CollapseLeft => html! { <path d="M12.5 4L6.5 10l6 6 1.4-1.4L9.3 10l4.6-4.6z" /> },
        IconName::CollapseRight => html! { <path d="M7.5 4l6 6-6 6-1.4-1.4 4.6-4.6-4.6-4.6z" /> },
        IconName::Stopwatch => html! {
            <>
                <circle cx="10" cy="11" r="6.2" fill="none" stroke="currentColor" stroke-width="1.8" />
                <path d="M8 1.8h4v1.8H8z M9.1 7h1.8v4.6H9.1z M14.6 4.2l1.3-1.3 1.2 1.2-1.3 1.3z" />
            </>
        },
    };
    let size = props.size.to_string();
    html! {
        <svg class="icon" width={size.clone()} height={size} viewBox="0 0 20 20" fill="currentColor"
            aria-hidden="true" focusable="false">
            { body }
        </svg>
    }
}
