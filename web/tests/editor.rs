//! The Files tab editor's pure helpers (save command, delimiter, caret offsets, gutter, live
//! check), in the browser (wasm32) and natively alike.

use sim_core::{Session, SimConfig};
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};
use web::files::{
    byte_index, caret_offset, check, check_kind, gutter_text, heredoc_delimiter, line_count,
    new_file_path, replace_range, save_command, saved_text, CheckKind, CheckOutcome, SaveProblem,
};

wasm_bindgen_test_configure!(run_in_browser);

const DEPLOYMENT: &str = "\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 2
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
      - name: web
        image: nginx:1.27
";

#[wasm_bindgen_test(unsupported = test)]
fn the_delimiter_avoids_lines_of_the_text() {
    assert_eq!(heredoc_delimiter("a\nb\n"), "EOF");
    assert_eq!(heredoc_delimiter("a\nEOF\n"), "EOF_1");
    assert_eq!(heredoc_delimiter("EOF\r\nEOF_1\n"), "EOF_2");
    // Only a whole line ends a here-document.
    assert_eq!(heredoc_delimiter("  EOF\nEOFX\n"), "EOF");
}

#[wasm_bindgen_test(unsupported = test)]
fn a_save_command_writes_exactly_the_text_through_the_session() {
    let tricky =
        "EOF\n$HOME 'quoted' \"double\" \\\n# not a comment\n<<EOF\nlast line without newline";
    let command = save_command("k8s/my file.yaml", tricky).unwrap();
    assert!(
        command.starts_with("cat > 'k8s/my file.yaml' <<'EOF_1'\n"),
        "{command}"
    );
    let mut session = Session::new(SimConfig::default());
    let entries = session.submit(&command);
    assert_eq!(entries.len(), 1, "one input: {entries:?}");
    assert!(entries[0].error.is_none(), "{:?}", entries[0].error);
    assert_eq!(
        session.sim().workspace().read("k8s/my file.yaml"),
        Some(saved_text(tricky).as_str())
    );
    assert_eq!(saved_text("a"), "a\n");
    assert_eq!(saved_text(""), "");
    // Step back undoes it.
    session.step_back();
    assert_eq!(session.sim().workspace().read("k8s/my file.yaml"), None);
}

#[wasm_bindgen_test(unsupported = test)]
fn saves_the_command_language_cannot_carry_are_refused_before_the_session() {
    let big = "x".repeat(1024 * 1024 + 1);
    assert_eq!(
        save_command("a.txt", &big),
        Err(SaveProblem::TooLarge {
            bytes: big.len() + 1
        })
    );
    let many = "a\n".repeat(10_000);
    assert_eq!(
        save_command("a.txt", &many),
        Err(SaveProblem::TooManyLines { lines: 10_000 })
    );
    let long = format!("ok\n{}\n", "y".repeat(70_000));
    assert_eq!(
        save_command("a.txt", &long),
        Err(SaveProblem::LineTooLong {
            line: 2,
            bytes: 70_000
        })
    );
}

#[wasm_bindgen_test(unsupported = test)]
fn line_and_column_map_to_utf16_caret_offsets() {
    let text = "ab\n한글x\n\u{1F600}z\n";
    assert_eq!(caret_offset(text, 1, 1), 0);
    assert_eq!(caret_offset(text, 1, 3), 2);
    assert_eq!(caret_offset(text, 2, 1), 3);
    assert_eq!(
        caret_offset(text, 2, 3),
        5,
        "Hangul is one unit per syllable"
    );
    // An emoji is two UTF-16 units.
    assert_eq!(caret_offset(text, 3, 2), 9);
    // Past the end of a line: its end; past the last line: the text's end.
    assert_eq!(caret_offset(text, 1, 99), 2);
    assert_eq!(caret_offset(text, 99, 1), 11);
    assert_eq!(byte_index(text, 5), "ab\n한글".len());
    assert_eq!(byte_index(text, 500), text.len());
    let (next, caret) = replace_range("a한b", 2, 2, "  ");
    assert_eq!((next.as_str(), caret), ("a한  b", 4));
    let (next, caret) = replace_range("abcd", 3, 1, "  ");
    assert_eq!((next.as_str(), caret), ("a  d", 3));
}

#[wasm_bindgen_test(unsupported = test)]
fn the_gutter_numbers_every_line_the_textarea_shows() {
    assert_eq!(line_count(""), 1);
    assert_eq!(line_count("a"), 1);
    assert_eq!(line_count("a\n"), 2);
    assert_eq!(gutter_text(0), "1");
    assert_eq!(gutter_text(3), "1\n2\n3");
    assert_eq!(gutter_text(line_count(DEPLOYMENT)).lines().count(), 18);
}

#[wasm_bindgen_test(unsupported = test)]
fn manifests_are_checked_with_kubectls_words_and_positions() {
    assert_eq!(check_kind("k8s/web.YAML"), Some(CheckKind::Manifest));
    assert_eq!(check_kind("x.json"), Some(CheckKind::Manifest));
    assert_eq!(check_kind("app/Dockerfile"), Some(CheckKind::Dockerfile));
    assert_eq!(check_kind("Dockerfile.dev"), Some(CheckKind::Dockerfile));
    assert_eq!(check_kind("notes.txt"), None);
    assert_eq!(check("notes.txt", "anything"), None);

    let service = "---\napiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  selector:\n    app: web\n  ports:\n  - port: 80\n";
    let both = format!("{DEPLOYMENT}{service}");
    assert_eq!(
        check("web.yaml", &both),
        Some(CheckOutcome::Objects(vec![
            "deployment.apps/web".into(),
            "service/web".into()
        ]))
    );
    let bad = DEPLOYMENT.replace("containers:", "containerz:");
    match check("web.yaml", &bad) {
        Some(CheckOutcome::Error {
            message,
            line,
            column,
        }) => {
            assert!(
                message.contains("unknown field \"spec.template.spec.containerz\""),
                "{message}"
            );
            assert_eq!(line, Some(15), "{message}");
            assert!(column.is_some());
            let offset = caret_offset(&bad, 15, column.unwrap()) as usize;
            assert!(
                bad[offset..].starts_with("containerz"),
                "{}",
                &bad[offset..]
            );
        }
        other => panic!("{other:?}"),
    }
    match check("web.yaml", "a: b: c\n") {
        Some(CheckOutcome::Error { message, line, .. }) => {
            assert!(
                message.contains("error converting YAML to JSON"),
                "{message}"
            );
            assert_eq!(line, Some(1));
        }
        other => panic!("{other:?}"),
    }
}

#[wasm_bindgen_test(unsupported = test)]
fn dockerfiles_are_checked_with_the_build_parser() {
    assert_eq!(
        check("Dockerfile", "FROM alpine:3.20\nRUN echo hi\n"),
        Some(CheckOutcome::Dockerfile {
            instructions: 2,
            stages: 1
        })
    );
    match check("Dockerfile", "FROM alpine:3.20\n\nRUNN echo hi\n") {
        Some(CheckOutcome::Error {
            message,
            line,
            column,
        }) => {
            assert_eq!(
                message,
                "ERROR: failed to solve: dockerfile parse error on line 3: unknown instruction: RUNN"
            );
            assert_eq!((line, column), (Some(3), None));
        }
        other => panic!("{other:?}"),
    }
}

#[wasm_bindgen_test(unsupported = test)]
fn new_file_names_become_workspace_paths() {
    assert_eq!(
        new_file_path(" ./k8s/web.yaml ").as_deref(),
        Some("k8s/web.yaml")
    );
    assert_eq!(new_file_path("/Dockerfile").as_deref(), Some("Dockerfile"));
    assert_eq!(new_file_path(""), None);
    assert_eq!(new_file_path("./"), None);
    assert_eq!(new_file_path("../x"), None);
    assert_eq!(new_file_path("a\u{7}b"), None);
}
