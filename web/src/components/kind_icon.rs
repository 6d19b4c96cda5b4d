//! The small shape-and-colour icon of an event kind, shared by the stage and the event log.

use yew::prelude::*;

use crate::timeline::{kind_style, shape_path, Shape};

/// Properties of [`KindIcon`].
#[derive(Properties, PartialEq)]
pub struct KindIconProps {
    /// The event kind's name.
    pub kind: AttrValue,
}

/// A 14 px icon: the kind's shape filled with its colour (decorative: the kind's name is
/// always written next to it).
#[function_component(KindIcon)]
pub fn kind_icon(props: &KindIconProps) -> Html {
    let style = kind_style(&props.kind);
    html! {
        <svg class="kind-icon" width="14" height="14" viewBox="0 0 14 14" aria-hidden="true"
            focusable="false">
            <path d={shape_path(style.shape, 7.0, 7.0, 5.5)} fill={mark_fill(style.shape, style.color)}
                stroke={mark_stroke(style.shape, style.color)} stroke-width="1.5" />
        </svg>
    }
}

/// The fill of a mark: hollow shapes are white inside.
pub fn mark_fill(shape: Shape, color: &'static str) -> &'static str {
    match shape {
        Shape::HollowSquare => "#ffffff",
        _ => color,
    }
}

/// The outline of a mark: light colours get a dark edge so they stand out on white.
pub fn mark_stroke(shape: Shape, color: &'static str) -> &'static str {
    match (shape, color) {
        (Shape::HollowSquare, c) => c,
        (_, crate::timeline::palette::YELLOW) => "#5c5600",
        _ => "#1d1d1f",
    }
}
