//! Lesson Markdown as Yew elements: [`lessons::markdown::parse`] gives plain blocks, and each
//! becomes an element. Text is always text — nothing is ever injected as HTML.

use lessons::markdown::{parse, Block, Inline};
use yew::prelude::*;

/// Renders lesson Markdown. Headings move down one level (`#` is an `<h2>`): the lesson's
/// title is the pane's `<h1>`.
pub fn markdown(text: &str) -> Html {
    html! { { for parse(text).iter().map(block) } }
}

/// Renders one line of lesson Markdown without a paragraph around it (goal texts, choices):
/// the inline runs of its blocks, side by side.
pub fn markdown_inline(text: &str) -> Html {
    let runs = parse(text).into_iter().flat_map(|b| match b {
        Block::Heading(_, i) | Block::Paragraph(i) | Block::Quote(i) => i,
        Block::List { items, .. } => items.into_iter().flatten().collect(),
        Block::Code(c) => vec![Inline::Code(c)],
    });
    html! { { for runs.map(|i| inline(&i)) } }
}

fn block(b: &Block) -> Html {
    let runs = |i: &[Inline]| html! { { for i.iter().map(inline) } };
    match b {
        Block::Heading(1, i) => html! { <h2 class="md-h">{ runs(i) }</h2> },
        Block::Heading(2, i) => html! { <h3 class="md-h">{ runs(i) }</h3> },
        Block::Heading(_, i) => html! { <h4 class="md-h">{ runs(i) }</h4> },
        Block::Paragraph(i) => html! { <p>{ runs(i) }</p> },
        Block::List { ordered, items } => {
            let items = items.iter().map(|i| html! { <li>{ runs(i) }</li> });
            if *ordered {
                html! { <ol class="md-list">{ for items }</ol> }
            } else {
                html! { <ul class="md-list">{ for items }</ul> }
            }
        }
        Block::Quote(i) => html! { <blockquote class="md-quote">{ runs(i) }</blockquote> },
        Block::Code(c) => html! { <pre class="md-code"><code>{ c }</code></pre> },
    }
}

fn inline(i: &Inline) -> Html {
    match i {
        Inline::Text(t) => html! { { t } },
        Inline::Code(t) => html! { <code>{ t }</code> },
        Inline::Strong(t) => html! { <strong>{ t }</strong> },
        Inline::Emphasis(t) => html! { <em>{ t }</em> },
        Inline::Link { text, url } => html! {
            <a href={url.clone()} target="_blank" rel="noopener noreferrer">{ text }</a>
        },
    }
}
