//! Share links, the app's side: what a link holds for the session on screen, how a replayed
//! link's commands divide into the lesson's demonstrations and the student's part, and the
//! refusal messages in the user's language. The format itself is [`lessons::share`].

use lessons::share::{self, ShareError, Shared};

use crate::i18n::{fill, tr, Lang, Msg};

/// The fragment (without `#`) for a session: `inputs` are every input of the session, of which
/// the first `skip` are the lesson's setup (0 in the free sandbox).
pub fn fragment<'a>(
    lesson: Option<&str>,
    seed: u64,
    inputs: impl Iterator<Item = &'a str>,
    skip: usize,
) -> String {
    share::encode(&Shared {
        lesson: lesson.unwrap_or_default().to_string(),
        seed,
        commands: inputs.skip(skip).map(str::to_string).collect(),
    })
}

/// Why a share link could not be opened, in `lang`.
pub fn error_text(lang: Lang, error: &ShareError) -> String {
    let t = |m| tr(lang, m);
    match error {
        ShareError::Version => t(Msg::ShareErrVersion).to_string(),
        ShareError::TooLong(n) => fill(
            t(Msg::ShareErrTooLong),
            &[
                ("bytes", &n.to_string()),
                ("limit", &share::MAX_FRAGMENT_BYTES.to_string()),
            ],
        ),
        ShareError::Base64(at) => fill(t(Msg::ShareErrBase64), &[("at", &at.to_string())]),
        ShareError::Inflate => t(Msg::ShareErrInflate).to_string(),
        ShareError::Json(why) => fill(t(Msg::ShareErrJson), &[("why", why)]),
        ShareError::TooManyCommands(n) => fill(
            t(Msg::ShareErrTooMany),
            &[
                ("count", &n.to_string()),
                ("limit", &share::MAX_COMMANDS.to_string()),
            ],
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fragment_decodes_to_the_inputs_after_the_setup() {
        let inputs = ["setup a", "setup b", "ls", "run 5s"];
        let text = fragment(Some("x"), 7, inputs.iter().copied(), 2);
        let shared = share::decode(&text).unwrap();
        assert_eq!(shared.lesson, "x");
        assert_eq!(shared.seed, 7);
        assert_eq!(shared.commands, ["ls", "run 5s"]);
        let sandbox = share::decode(&fragment(None, 1, inputs.iter().copied(), 0)).unwrap();
        assert_eq!(sandbox.lesson, "");
        assert_eq!(sandbox.commands.len(), 4);
    }

    #[test]
    fn every_share_error_has_a_message_in_both_languages() {
        let errors = [
            ShareError::Version,
            ShareError::TooLong(70000),
            ShareError::Base64(3),
            ShareError::Inflate,
            ShareError::Json("eof".into()),
            ShareError::TooManyCommands(6000),
        ];
        for e in &errors {
            for lang in Lang::ALL {
                let text = error_text(lang, e);
                assert!(!text.is_empty() && !text.contains('{'), "{text}");
            }
        }
    }
}
