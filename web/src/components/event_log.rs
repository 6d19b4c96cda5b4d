//! The event log: one row per event (id, time, kind, object, message) with a link to the event
//! that caused it. Selecting an event highlights it and the events it caused.

use std::rc::Rc;

use sim_core::Event;
use yew::prelude::*;

use super::icons::{Icon, IconName};
use super::kind_icon::KindIcon;
use crate::i18n::{fill, tr, Lang, Msg};
use crate::state::Sandbox;

/// Rows shown before older ones are folded away (keeps long sessions responsive).
pub const VISIBLE_ROWS: usize = 400;
/// Older rows are folded away this many at a time, so between folds a new event only adds a
/// row at the end: the rows above stay where they are, and the browser neither lays them out
/// nor pre-paints them again (removing the first row on every event moved all 400).
pub const FOLD_ROWS: usize = 50;
/// Past this many rows shown, only those in or near the viewport are drawn in full
/// ([`crate::windowing`]); the others keep their id, kind and cause link.
pub const WINDOWED_MIN_ROWS: usize = 100;
/// A row's height before it was ever drawn, in CSS pixels (head and one line of message).
const ROW_PX: u32 = 57;

/// Properties of [`EventLog`].
#[derive(Properties, PartialEq)]
pub struct EventLogProps {
    /// UI language.
    pub lang: Lang,
    /// The app state.
    pub sandbox: UseReducerHandle<Sandbox>,
    /// The selected event and a counter bumped by each selection (re-selecting scrolls again).
    pub selection: Option<(u64, u64)>,
    /// Selects an event (by id).
    pub on_select: Callback<u64>,
    /// The pane is expanded.
    pub open: bool,
    /// Expands or collapses the pane.
    pub on_toggle: Callback<()>,
}

/// The element id of an event's row.
pub fn row_id(id: u64) -> String {
    format!("ev-{id}")
}

/// The right pane.
#[function_component(EventLog)]
pub fn event_log(props: &EventLogProps) -> Html {
    let lang = props.lang;
    let t = |m| tr(lang, m);
    let show_all = use_state_eq(|| false);
    let list_ref = use_node_ref();
    // One callback for the pane's life (the app makes a new one each render), so rows whose
    // event and selection did not change compare equal and are not redrawn.
    let latest_select = use_mut_ref(|| props.on_select.clone());
    *latest_select.borrow_mut() = props.on_select.clone();
    let on_select = use_callback((), move |id: u64, _| latest_select.borrow().emit(id));
    let selected = props.selection.map(|(id, _)| id);
    let shared = use_mut_ref(SharedEvents::default);
    let session = props.sandbox.session();
    let log = session.sim().log();
    let log_len = log.len();

    // Follow new events unless an event is selected; scroll to a selected one.
    {
        let list_ref = list_ref.clone();
        use_effect_with(
            (log_len, props.selection),
            move |(_, selection)| match selection {
                Some((id, _)) => crate::dom::scroll_into_view(&row_id(*id)),
                None => {
                    if let Some(el) = list_ref.cast::<web_sys::Element>() {
                        crate::dom::scroll_to_bottom(&el);
                    }
                }
            },
        );
    }

    // A selected event older than the window unfolds the window down to it.
    let mut first = if *show_all {
        0
    } else {
        log_len.saturating_sub(VISIBLE_ROWS) / FOLD_ROWS * FOLD_ROWS
    };
    if let Some(id) = selected {
        first = first.min((id as usize).saturating_sub(1));
    }
    // The list's children: the fold (or the empty note), then one per row.
    let before_rows = usize::from(first > 0 || log.is_empty());
    let windowed = props.open && log_len - first > WINDOWED_MIN_ROWS;
    let (drawn, heights) = crate::windowing::use_drawn_range(
        list_ref.clone(),
        before_rows + log_len - first,
        windowed,
        "id",
        ROW_PX,
    );

    let toggle = {
        let cb = props.on_toggle.clone();
        Callback::from(move |_: MouseEvent| cb.emit(()))
    };
    if !props.open {
        return html! {
            <aside class="log-pane collapsed" aria-label={t(Msg::LogTitle)}>
                <button type="button" class="btn btn-quiet rail-button" id="btn-log-toggle"
                    aria-expanded="false" onclick={toggle}>
                    <Icon name={IconName::CollapseLeft} />
                    <span class="rail-text">{ t(Msg::ShowLog) }</span>
                </button>
            </aside>
        };
    }

    let hidden = first;
    let shown = shared
        .borrow_mut()
        .update(props.sandbox.session_key(), log, first)
        .to_vec();
    let rows = shown.into_iter().enumerate().map(|(i, e)| {
        let id = e.id.0;
        // The selected row is always drawn: selecting scrolls to it.
        let windowed = windowed.then(|| {
            if drawn.contains(&(before_rows + i)) || selected == Some(id) {
                Ok(())
            } else {
                Err(heights.of(&row_id(id)))
            }
        });
        html! {
            <EventRow key={id} lang={lang} selected={selected == Some(id)}
                effect={selected.is_some() && e.cause.map(|c| c.0) == selected}
                on_select={on_select.clone()} event={e} windowed={windowed} />
        }
    });
    let unfold = {
        let show_all = show_all.clone();
        Callback::from(move |_: MouseEvent| show_all.set(true))
    };

    // Every child of the list is keyed: in a list with an unkeyed child, Yew pairs children by
    // position from the end, so one new event would remount every row.
    let mut items: Vec<Html> = Vec::with_capacity(log_len - first + 1);
    if log.is_empty() {
        items.push(html! { <li key="log-empty" class="log-empty">{ t(Msg::LogEmpty) }</li> });
    }
    if hidden > 0 {
        items.push(html! {
            <li key="log-hidden" class="log-hidden">
                { fill(t(Msg::EarlierHidden), &[("count", &hidden.to_string())]) }
                <button type="button" class="btn btn-small" onclick={unfold}>{ t(Msg::ShowAll) }</button>
            </li>
        });
    }
    items.extend(rows);
    let items: Html = items.into_iter().collect();

    html! {
        <aside class="log-pane" aria-labelledby="log-title">
            <div class="pane-header">
                <h2 id="log-title">{ t(Msg::LogTitle) }</h2>
                <span class="count-badge" aria-hidden="true">{ log_len }</span>
                <span class="spacer" />
                <button type="button" class="btn btn-icon" id="btn-log-toggle" aria-expanded="true"
                    aria-label={t(Msg::HideLog)} title={t(Msg::HideLog)} onclick={toggle}>
                    <Icon name={IconName::CollapseRight} />
                </button>
            </div>
            <ol id="event-log" class="event-log" ref={list_ref} aria-labelledby="log-title">
                { items }
            </ol>
        </aside>
    }
}

/// The shown rows' events, each in an `Rc` kept from render to render while the log only grows
/// (`Event` is `Eq`, so an unchanged row's props compare by pointer: a new event neither copies
/// nor compares the 400 before it).
#[derive(Default)]
struct SharedEvents {
    session: usize,
    /// The log index of `events[0]`.
    start: usize,
    events: Vec<Rc<Event>>,
}

impl SharedEvents {
    /// The events of `log[first..]`, reusing those of the last call when `log` extends the log
    /// they came from.
    fn update(&mut self, session: usize, log: &[Event], first: usize) -> &[Rc<Event>] {
        let end = self.start + self.events.len();
        let extends = self.session == session
            && first >= self.start
            && log.len() >= end
            && self
                .events
                .last()
                .is_none_or(|e| log.get(end - 1) == Some(&**e));
        if !extends {
            *self = SharedEvents {
                session,
                start: first,
                events: Vec::new(),
            };
        }
        let drop = first - self.start;
        self.events.drain(..drop.min(self.events.len()));
        self.start = first;
        let end = self.start + self.events.len();
        self.events
            .extend(log[end.min(log.len())..].iter().map(|e| Rc::new(e.clone())));
        &self.events
    }
}

/// Properties of [`EventRow`].
#[derive(Properties, PartialEq)]
struct EventRowProps {
    lang: Lang,
    event: Rc<Event>,
    selected: bool,
    /// The selected event caused this one.
    effect: bool,
    on_select: Callback<u64>,
    /// In a windowed log: whether the row is drawn in full, else its height in CSS pixels.
    windowed: Option<Result<(), u32>>,
}

/// One row of the log: a component, so the rows a step or a seek leaves alone are not redrawn.
#[function_component(EventRow)]
fn event_row(props: &EventRowProps) -> Html {
    let lang = props.lang;
    let on_select = &props.on_select;
    let e = &props.event;
    let t = |m| tr(lang, m);
    let id = e.id.0;
    let kind = e.kind.name();
    let is_selected = props.selected;
    let is_effect = props.effect;
    let select_row = {
        let cb = on_select.clone();
        Callback::from(move |_: MouseEvent| cb.emit(id))
    };
    let cause = e.cause.map(|c| {
        let cause_id = c.0;
        let follow = {
            let cb = on_select.clone();
            Callback::from(move |ev: MouseEvent| {
                ev.prevent_default();
                ev.stop_propagation();
                cb.emit(cause_id);
            })
        };
        let title = fill(t(Msg::CauseLinkTitle), &[("id", &cause_id.to_string())]);
        html! {
            <a class="cause-link" href={format!("#{}", row_id(cause_id))} title={title.clone()}
                aria-label={title} data-cause={cause_id.to_string()} onclick={follow}>
                <span class="cause-label">{ t(Msg::CauseLabel) }</span>
                { format!(" ← #{cause_id}") }
            </a>
        }
    });
    let time = e.time.to_string();
    let class = classes!(
        "event-row",
        is_selected.then_some("selected"),
        is_effect.then_some("effect")
    );
    if let Some(Err(height_px)) = props.windowed {
        // Undrawn: what a screen reader needs to tell rows apart, and the cause link, so the
        // links stay in the tab order (focusing one scrolls it into view, which draws it).
        return html! {
            <li id={row_id(id)} data-kind={kind} onclick={select_row}
                class={classes!(class, "placeholder")} style={format!("min-height: {height_px}px")}>
                { format!("#{id} {time} {kind} ") }
                { for cause }
            </li>
        };
    }
    let object = e.object.to_string();
    html! {
        <li id={row_id(id)} data-kind={kind} onclick={select_row} class={class}>
            <div class="ev-head">
                <span class="ev-id">{ format!("#{id}") }</span>
                <span class="ev-time">{ time }</span>
                <span class="ev-kind"><KindIcon kind={kind} />{ kind }</span>
                <span class="spacer" />
                { for cause }
            </div>
            <div class="ev-body">
                <span class="ev-object">{ object }</span>
                <span class="ev-msg">{ &e.message }</span>
            </div>
        </li>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sim_core::{Session, SimConfig};

    fn log_of(commands: &[&str]) -> Vec<Event> {
        let mut s = Session::new(SimConfig::default());
        for c in commands {
            s.submit(c);
        }
        s.sim().log().to_vec()
    }

    #[test]
    fn shown_events_are_shared_while_the_log_grows_and_rebuilt_when_it_does_not() {
        let short = log_of(&["step", "step"]);
        let long = log_of(&["step", "step", "step", "step"]);
        assert!(long.len() > short.len() && long.starts_with(&short));
        let mut shared = SharedEvents::default();
        let first: Vec<Rc<Event>> = shared.update(1, &short, 0).to_vec();
        let grown = shared.update(1, &long, 1).to_vec();
        assert_eq!(grown.len(), long.len() - 1);
        assert!(grown.iter().zip(&long[1..]).all(|(a, b)| **a == *b));
        // The rows both renders show are the same allocations.
        assert!(Rc::ptr_eq(&grown[0], &first[1]));
        // Another session (or a log that is not an extension) starts over.
        let other = shared.update(2, &long, 1).to_vec();
        assert!(!Rc::ptr_eq(&other[0], &grown[0]));
        assert_eq!(shared.update(2, &short, 0).len(), short.len());
    }
}
