//! The message catalog: every string the UI shows, in Korean and English.
//!
//! Command output is not here: the terminal shows it as the core prints it (English, as real
//! CLIs do). Strings with values use named placeholders (`{frame}`) filled by [`fill`]; both
//! languages of one message use the same placeholders, which a test checks.

/// A UI language.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Lang {
    /// 한국어.
    Ko,
    /// English.
    En,
}

impl Lang {
    /// Every language, in the order the switch offers them.
    pub const ALL: [Lang; 2] = [Lang::Ko, Lang::En];

    /// The BCP 47 code stored in localStorage and set on `<html lang>`.
    pub fn code(self) -> &'static str {
        match self {
            Lang::Ko => "ko",
            Lang::En => "en",
        }
    }

    /// The language a stored code names; anything else (corrupt, unknown) is `None`.
    pub fn from_code(code: &str) -> Option<Lang> {
        match code.trim() {
            "ko" => Some(Lang::Ko),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    /// The default for a browser whose `navigator.language` is `navigator`: Korean for `ko…`,
    /// English for any other language, Korean when the browser does not say.
    pub fn from_navigator(navigator: Option<&str>) -> Lang {
        match navigator.map(str::trim) {
            None | Some("") => Lang::Ko,
            Some(tag) if tag.to_ascii_lowercase().starts_with("ko") => Lang::Ko,
            Some(_) => Lang::En,
        }
    }

    /// The language to start in: a valid stored choice wins, else the browser's language.
    pub fn initial(stored: Option<&str>, navigator: Option<&str>) -> Lang {
        stored
            .and_then(Lang::from_code)
            .unwrap_or_else(|| Lang::from_navigator(navigator))
    }

    /// The other language (what the switch changes to).
    pub fn other(self) -> Lang {
        match self {
            Lang::Ko => Lang::En,
            Lang::En => Lang::Ko,
        }
    }

    /// The language's own name, as the switch shows it.
    pub fn native_name(self) -> &'static str {
        match self {
            Lang::Ko => "한국어",
            Lang::En => "English",
        }
    }
}

/// Declares the message keys with their Korean and English text; the English text doubles as
/// the key's doc comment.
macro_rules! catalog {
    ($($key:ident { ko: $ko:literal, en: $en:literal $(,)? })*) => {
        /// A UI message key.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum Msg {
            $(#[doc = $en] $key,)*
        }

        impl Msg {
            /// Every key of the catalog.
            pub const ALL: &'static [Msg] = &[$(Msg::$key,)*];

            /// The message in `lang`.
            pub fn text(self, lang: Lang) -> &'static str {
                match (self, lang) {
                    $((Msg::$key, Lang::Ko) => $ko,
                      (Msg::$key, Lang::En) => $en,)*
                }
            }
        }
    };
}

catalog! {
    // Top bar
    TagLine { ko: "쿠버네티스 학습 샌드박스", en: "Kubernetes teaching sandbox" }
    LessonPicker { ko: "레슨", en: "Lesson" }
    LessonWelcome { ko: "시작하기", en: "Getting started" }
    LessonMoreSoon { ko: "다른 레슨은 곧 추가돼요", en: "More lessons coming soon" }
    SwitchLanguage { ko: "언어를 영어로 바꾸기 (Alt+L)", en: "Switch language to Korean (Alt+L)" }
    SeedLabel { ko: "시드", en: "seed" }
    TraceLabel { ko: "트레이스", en: "trace" }
    TraceHashTitle {
        ko: "트레이스 해시 {hash} — 시드와 명령이 같으면 해시도 항상 같아요",
        en: "Trace hash {hash} — the same seed and commands always give the same hash",
    }
    Presenter { ko: "발표 모드", en: "Presenter" }
    PresenterTitle {
        ko: "무대와 레슨만 크게 보여 줘요 (Alt+M)",
        en: "Show only the stage and the lesson, in large type (Alt+M)",
    }
    ShortcutsButton { ko: "단축키", en: "Shortcuts" }
    SkipToTerminal { ko: "터미널로 바로 가기", en: "Skip to the terminal" }

    // Lesson pane
    LessonPane { ko: "레슨", en: "Lesson" }
    HideLesson { ko: "레슨 숨기기", en: "Hide lesson" }
    ShowLesson { ko: "레슨 보기", en: "Show lesson" }
    WelcomeTitle { ko: "Kube Sandbox에 오신 걸 환영해요", en: "Welcome to Kube Sandbox" }
    WelcomeIntro {
        ko: "이 샌드박스는 작은 컴퓨터 세계를 브라우저 안에서 시뮬레이션해요. 실제로 실행되는 프로그램도, 이 페이지 밖으로 나가는 데이터도 없어요. 입력한 명령은 모두 결정적(deterministic) 시뮬레이션으로 들어가기 때문에 시드(seed)와 명령이 같으면 결과도 언제나 같아요.",
        en: "This sandbox simulates a small computer world inside your browser. No program really runs and nothing leaves this page: every command you type goes into a deterministic simulation, so the same seed and the same commands always give the same result.",
    }
    WelcomeTime {
        ko: "여기서 시간은 시뮬레이션 시간이에요. 시계는 run이나 step으로 움직이라고 할 때만 움직여요. 모든 변화는 오른쪽 이벤트 로그에 원인이 된 이벤트와 함께 기록되고, ‘한 단계 뒤로’ 버튼으로 되돌아가면 지난 순간을 다시 볼 수 있어요.",
        en: "Time here is simulated: the clock moves only when you tell it to (run, step). Every change is recorded in the event log on the right together with the event that caused it, and “Step back” takes you to any earlier moment to see it again.",
    }
    TryTheseTitle { ko: "이 명령들을 입력해 보세요", en: "Try these commands" }
    TryHelp { ko: "모든 명령과 사용법 보기", en: "list every command and how to use it" }
    TryHereDoc {
        ko: "히어 도큐먼트(here-document)로 파일 만들기",
        en: "write a file with a here-document",
    }
    TryLs { ko: "작업 공간의 파일 목록 보기", en: "list the workspace files" }
    TryCat { ko: "파일 내용 출력하기", en: "print a file" }
    TryAfter {
        ko: "시뮬레이션 시간으로 10초 뒤에 실행할 명령 예약하기",
        en: "schedule a command for 10 simulated seconds from now",
    }
    TryRun { ko: "시뮬레이션 시간 30초 흘려보내기", en: "let 30 simulated seconds pass" }
    TryStep {
        ko: "예약된 일이 있는 다음 순간으로 건너뛰기",
        en: "jump to the next moment something is scheduled",
    }
    TryHint {
        ko: "명령을 누르면 터미널에 입력돼요. 그다음 Enter를 누르세요.",
        en: "Click a command to put it in the terminal, then press Enter.",
    }
    InsertCommand { ko: "터미널에 입력하기: {command}", en: "Put in the terminal: {command}" }

    // Stage
    StageTitle { ko: "무대", en: "Stage" }
    SimulatedTime { ko: "시뮬레이션 시간", en: "Simulated time" }
    FrameOf { ko: "프레임 {frame}/{total}", en: "frame {frame} of {total}" }
    ScheduledCount { ko: "예약 {count}개", en: "{count} scheduled" }
    NextAt { ko: "다음 예약 {time}", en: "next at {time}" }
    EventCount { ko: "이벤트 {count}개", en: "{count} events" }
    TimelineLabel {
        ko: "시뮬레이션 시간에 따른 이벤트 타임라인",
        en: "Timeline of events over simulated time",
    }
    TimelineEmpty {
        ko: "아직 이벤트가 없어요. 아래 터미널에 명령을 입력해 보세요.",
        en: "No events yet. Type a command in the terminal below.",
    }
    Now { ko: "현재", en: "now" }
    MarkLabel {
        ko: "{kind} 이벤트 {count}개, 시각 {time}",
        en: "{count} {kind} event(s) at {time}",
    }
    FutureMarks {
        ko: "흐린 표시는 지금 보는 프레임 이후의 이벤트예요",
        en: "Faded marks are events after the frame you are viewing",
    }

    // Transport
    TransportLabel { ko: "타임라인 조작", en: "Timeline controls" }
    StepBack { ko: "한 단계 뒤로", en: "Step back" }
    Play { ko: "재생", en: "Play" }
    Pause { ko: "일시정지", en: "Pause" }
    StepForward { ko: "한 단계 앞으로", en: "Step" }
    Speed { ko: "속도", en: "Speed" }
    Reset { ko: "초기화", en: "Reset" }
    SeedInputLabel { ko: "시드 번호", en: "Seed number" }
    ApplySeed { ko: "적용", en: "Apply" }
    Scrubber { ko: "타임라인 위치", en: "Timeline position" }
    ScrubberValue { ko: "프레임 {frame}/{total}", en: "Frame {frame} of {total}" }
    ViewingPast {
        ko: "프레임 {total}개 중 {frame}번째를 보고 있어요. 지금 명령을 입력하면 이후 프레임은 사라져요.",
        en: "Viewing frame {frame} of {total} — typing a command drops the later frames.",
    }
    BackToNow { ko: "현재로 돌아가기", en: "Back to now" }
    NothingToPlay {
        ko: "재생할 것이 없어요. 예약된 일이 없어요. (after 10s echo hi 를 입력해 보세요)",
        en: "Nothing to play: nothing is scheduled. (Try after 10s echo hi.)",
    }

    // Terminal
    TerminalTitle { ko: "터미널", en: "Terminal" }
    TerminalOutputLabel { ko: "터미널 출력", en: "Terminal output" }
    TerminalInputLabel { ko: "명령 입력", en: "Command input" }
    TerminalHint {
        ko: "Enter 실행 · Shift+Enter 줄바꿈 · ↑↓ 이전 명령 · Tab 자동 완성 · Esc 다음 Tab 터미널 나가기",
        en: "Enter runs · Shift+Enter new line · ↑↓ history · Tab completes · Esc then Tab leaves",
    }
    TerminalEmpty {
        ko: "명령을 입력하고 Enter를 누르세요. 처음이라면 help부터 시작해 보세요.",
        en: "Type a command and press Enter. New here? Start with help.",
    }
    ErrorLabel { ko: "오류", en: "error" }
    ContinueHint {
        ko: "입력이 더 필요해요. 줄을 이어서 입력하세요 (히어 도큐먼트는 EOF 줄로 끝나요). Ctrl+C로 취소해요.",
        en: "More input needed: keep typing lines (a here-document ends with its EOF line). Ctrl+C cancels.",
    }
    Completions { ko: "가능한 명령:", en: "Completions:" }
    LaterCommands {
        ko: "이후 명령 (지금 입력하면 사라져요)",
        en: "Later commands (dropped if you type now)",
    }
    PausedHere { ko: "여기서 멈춤", en: "paused here" }

    // Event log
    LogTitle { ko: "이벤트 로그", en: "Event log" }
    HideLog { ko: "이벤트 로그 숨기기", en: "Hide event log" }
    ShowLog { ko: "이벤트 로그 보기", en: "Show event log" }
    LogEmpty { ko: "아직 이벤트가 없어요.", en: "No events yet." }
    CauseLabel { ko: "원인", en: "cause" }
    CauseLinkTitle {
        ko: "이 이벤트를 일으킨 이벤트 #{id} 보기",
        en: "Show event #{id}, which caused this one",
    }
    EarlierHidden {
        ko: "이전 이벤트 {count}개는 숨겨져 있어요.",
        en: "{count} earlier events are hidden.",
    }
    ShowAll { ko: "모두 보기", en: "Show all" }

    // Shortcuts overlay
    ShortcutsTitle { ko: "단축키", en: "Keyboard shortcuts" }
    Close { ko: "닫기", en: "Close" }
    ScStepBack { ko: "한 단계 뒤로", en: "Step back" }
    ScStepForward { ko: "한 단계 앞으로", en: "Step forward" }
    ScArrowsNote {
        ko: "터미널에 글자가 있을 때는 Alt+←/→를 터미널 편집에 양보해요.",
        en: "While the terminal holds text, Alt+←/→ are left to the terminal for editing.",
    }
    ScPlay { ko: "재생 / 일시정지", en: "Play / pause" }
    ScReset { ko: "초기화 (reset 명령)", en: "Reset (the reset command)" }
    ScNow { ko: "현재로 돌아가기", en: "Back to now" }
    ScLang { ko: "언어 바꾸기", en: "Switch language" }
    ScTerminal { ko: "터미널로 이동", en: "Go to the terminal" }
    ScPresenter { ko: "발표 모드 켜기/끄기", en: "Presenter mode on/off" }
    ScHelp { ko: "이 목록 열기", en: "Open this list" }
    ScClose { ko: "이 목록 닫기", en: "Close this list" }
    ScHistory { ko: "터미널: 이전/다음 명령", en: "Terminal: previous/next command" }
    ScComplete { ko: "터미널: 명령 이름 자동 완성", en: "Terminal: complete a command name" }
    ScNewline { ko: "터미널: 줄바꿈", en: "Terminal: new line" }
    ScCancel { ko: "터미널: 입력 취소", en: "Terminal: cancel the input" }
    ScLeave { ko: "터미널에서 나가기", en: "Leave the terminal" }
}

/// The message `msg` in `lang` (shorthand for `msg.text(lang)`).
pub fn tr(lang: Lang, msg: Msg) -> &'static str {
    msg.text(lang)
}

/// Replaces each `{name}` in `template` with its value. Unknown placeholders stay as they are.
pub fn fill(template: &str, args: &[(&str, &str)]) -> String {
    let mut out = template.to_string();
    for (name, value) in args {
        out = out.replace(&format!("{{{name}}}"), value);
    }
    out
}

/// The `{placeholder}` names in a template, in order of appearance.
pub fn placeholders(template: &str) -> Vec<&str> {
    let mut names = Vec::new();
    let mut rest = template;
    while let Some(start) = rest.find('{') {
        let after = &rest[start + 1..];
        match after.find('}') {
            Some(end) => {
                names.push(&after[..end]);
                rest = &after[end + 1..];
            }
            None => break,
        }
    }
    names
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stored_choice_wins_over_the_browser_language() {
        assert_eq!(Lang::initial(Some("en"), Some("ko-KR")), Lang::En);
        assert_eq!(Lang::initial(Some("ko"), Some("en-US")), Lang::Ko);
    }

    #[test]
    fn corrupt_or_unknown_stored_values_fall_back_to_the_browser() {
        for stored in ["", "fr", "KOREAN", "{\"lang\":\"en\"}", "\u{0}"] {
            assert_eq!(
                Lang::initial(Some(stored), Some("en-GB")),
                Lang::En,
                "{stored:?}"
            );
            assert_eq!(
                Lang::initial(Some(stored), Some("ko")),
                Lang::Ko,
                "{stored:?}"
            );
        }
    }

    #[test]
    fn browser_language_picks_korean_for_ko_and_when_unknown() {
        assert_eq!(Lang::from_navigator(Some("ko-KR")), Lang::Ko);
        assert_eq!(Lang::from_navigator(Some("KO")), Lang::Ko);
        assert_eq!(Lang::from_navigator(Some("en-US")), Lang::En);
        assert_eq!(Lang::from_navigator(Some("ja")), Lang::En);
        assert_eq!(Lang::from_navigator(None), Lang::Ko);
        assert_eq!(Lang::from_navigator(Some("")), Lang::Ko);
    }

    #[test]
    fn fill_replaces_named_placeholders() {
        let text = fill(
            "frame {frame} of {total}",
            &[("frame", "3"), ("total", "9")],
        );
        assert_eq!(text, "frame 3 of 9");
        assert_eq!(placeholders("{a} and {b}"), ["a", "b"]);
    }
}
