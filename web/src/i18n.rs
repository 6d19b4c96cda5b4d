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
    PickerOutsideCourse { ko: "코스 밖의 레슨: {title}", en: "Not in the course: {title}" }
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

    // Stage tabs
    StageViews { ko: "무대 보기", en: "Stage views" }
    TabTimeline { ko: "타임라인", en: "Timeline" }
    TabBuild { ko: "빌드", en: "Build" }
    TabImages { ko: "이미지", en: "Images" }

    // Build view
    BuildTitle { ko: "마지막 빌드", en: "Last build" }
    BuildEmpty {
        ko: "아직 빌드가 없어요. Dockerfile을 만든 뒤 docker build -t app:1 . 을 입력해 보세요.",
        en: "No build yet. Write a Dockerfile, then type docker build -t app:1 .",
    }
    BuildSummary {
        ko: "단계 {total}개 · 캐시 사용 {cached}개 · 실행 {ran}개 · 새 레이어 {layers}개",
        en: "{total} steps · {cached} from cache · {ran} ran · {layers} new layers",
    }
    StepCached { ko: "CACHED · 캐시 사용", en: "CACHED · from cache" }
    StepRan { ko: "실행함 · 캐시 없음", en: "ran · cache miss" }
    StepEdited { ko: "바뀐 줄", en: "edited line" }
    CacheBroken {
        ko: "여기서 캐시가 끊겨요: 이 단계부터 아래 단계는 모두 다시 실행돼요.",
        en: "The cache breaks here: this step and every step after it run again.",
    }
    BuildFromNote {
        ko: "[1/n] FROM 단계의 기반 이미지는 이미지 보기의 맨 아래 레이어예요. 로컬에 없으면 빌드가 레지스트리에서 받아 와요.",
        en: "Step [1/n], FROM, is the base image: the bottom layers in the image view. When it is not local, the build pulls it.",
    }
    BuildLegend {
        ko: "초록 ✔ = 캐시 사용(hit), 주황 ▶ = 실행(miss). 한 줄을 고치면 그 줄부터 다시 빌드돼요.",
        en: "Green ✔ = cache hit, orange ▶ = ran (miss). Edit one line and everything from it rebuilds.",
    }
    OpenImage { ko: "이 이미지의 레이어 보기", en: "See this image's layers" }

    // Image view
    ImagesEmpty {
        ko: "로컬 이미지가 없어요. docker pull alpine:3.20 이나 docker build 를 해 보세요.",
        en: "No local images. Try docker pull alpine:3.20 or docker build.",
    }
    ImagePicker { ko: "로컬 이미지", en: "Local images" }
    LayerStackTitle { ko: "레이어 스택 (아래가 기반)", en: "Layer stack (base at the bottom)" }
    LayerStackLabel {
        ko: "{image} 이미지의 레이어, 아래에서 위로 쌓여요",
        en: "Layers of {image}, stacked bottom-up",
    }
    EmptyLayer { ko: "빈 레이어 · 설정만 바뀜", en: "empty layer · config only" }
    LayerLabel {
        ko: "레이어 {index}: {instruction}, 다이제스트 {digest}, 크기 {size}",
        en: "Layer {index}: {instruction}, digest {digest}, size {size}",
    }
    SharedWith { ko: "공유: {images}", en: "shared with {images}" }
    NewLayer { ko: "새 레이어", en: "new" }
    NewLayerTitle {
        ko: "마지막 빌드가 로컬 저장소에 새로 넣은 레이어예요",
        en: "The last build added this layer to the local store",
    }
    ImageIdLabel { ko: "이미지 ID", en: "Image ID" }
    LayerCount { ko: "레이어 {count}개", en: "{count} layers" }
    FilesTitle { ko: "레이어 {index}의 파일", en: "Files of layer {index}" }
    FilesLayerOnly { ko: "이 레이어만", en: "This layer only" }
    FilesAggregate { ko: "여기까지 합친 모습", en: "Aggregated up to here" }
    FilesSummary {
        ko: "추가 {added} · 변경 {changed} · 삭제 {removed} · {bytes}",
        en: "{added} added · {changed} changed · {removed} removed · {bytes}",
    }
    FilesLegend {
        ko: "+ 추가  ~ 변경  − 삭제(화이트아웃)",
        en: "+ added  ~ changed  − removed (whiteout)",
    }
    FilesMore { ko: "행 {count}개는 더 보여 주지 않아요", en: "{count} more rows not shown" }
    OpaqueDir { ko: "불투명 디렉터리", en: "opaque dir" }
    ToggleDir { ko: "{path} 펼치기/접기", en: "Open or close {path}" }
    WastedTitle { ko: "낭비된 공간", en: "Wasted space" }
    WastedSummary {
        ko: "{total} ({percent} / 이미지 {image}): 아래 레이어에 있지만 위 레이어가 덮어쓰거나 지운 바이트예요.",
        en: "{total} ({percent} of {image}): bytes lower layers carry that upper layers overwrite or delete.",
    }
    WastedNone { ko: "낭비된 공간이 없어요.", en: "No wasted space." }
    WastedRow {
        ko: "레이어 {from} → 레이어 {by}에서 {how}",
        en: "layer {from} → {how} in layer {by}",
    }
    WastedOverwritten { ko: "덮어씀", en: "overwritten" }
    WastedRemoved { ko: "삭제됨", en: "removed" }
    GraphTitle { ko: "레이어 공유 그래프", en: "Layer-sharing graph" }
    GraphCaption {
        ko: "여러 이미지가 함께 쓰는 레이어는 노드 하나로 그려져요(굵은 테두리, ×N). 디스크에도 한 번만 저장돼요.",
        en: "A layer several images hold is drawn once (thick border, ×N): the store keeps it once on disk too.",
    }
    GraphLabel {
        ko: "로컬 이미지와 레이어의 그래프, 기반 레이어가 아래",
        en: "Graph of local images and their layers, base layers at the bottom",
    }
    GraphLayerLabel {
        ko: "레이어 {digest} ({size}), 사용하는 이미지: {images}",
        en: "Layer {digest} ({size}), held by: {images}",
    }
    GraphImageLabel { ko: "이미지 {name} ({id})", en: "Image {name} ({id})" }
    TabContainers { ko: "컨테이너", en: "Containers" }
    TabFiles { ko: "파일", en: "Files" }
    TabHost { ko: "호스트", en: "Host" }

    // Host view
    VmStackTitle { ko: "가상 머신(VM) 스택", en: "Virtual machine stack" }
    ContainerStackHostTitle { ko: "컨테이너 스택", en: "Container stack" }
    HostHardware {
        ko: "하드웨어 · 코어 {cores}개 · 메모리 {memory}",
        en: "Hardware · {cores} cores · {memory} memory",
    }
    HostOsLine { ko: "호스트 OS · {os}", en: "Host OS · {os}" }
    HostKernelLine { ko: "커널 {kernel}", en: "kernel {kernel}" }
    OneSharedKernel { ko: "모든 컨테이너가 이 커널 하나를 함께 써요", en: "one kernel, shared by every container" }
    HypervisorTitle { ko: "하이퍼바이저 KVM · QEMU / Firecracker", en: "Hypervisor KVM · QEMU / Firecracker" }
    RuntimeTitle { ko: "컨테이너 런타임", en: "Container runtime" }
    GuestKernel { ko: "게스트 커널 {kernel}", en: "guest kernel {kernel}" }
    HostBinsLibs { ko: "바이너리/라이브러리", en: "Bins/libs" }
    HostApp { ko: "앱", en: "App" }
    SharedLayers {
        ko: "이미지 레이어 {layers}개 · {size} · 컨테이너 {count}개가 한 벌을 공유해요",
        en: "{layers} image layers · {size} · one copy, containers sharing it: {count}",
    }
    StateRunning { ko: "실행 중", en: "running" }
    StateBooting { ko: "부팅 중 ({phase})", en: "booting ({phase})" }
    StateStopped { ko: "중지됨", en: "stopped" }
    HostNoVms {
        ko: "VM이 없어요. vm create a --profile microvm 으로 만들고 vm start a 로 켜 보세요.",
        en: "No VMs yet. Create one with vm create a --profile microvm, then vm start a",
    }
    HostNoContainers {
        ko: "컨테이너가 없어요. docker run -d --name c1 nginx:1.27-alpine 으로 실행해 보세요.",
        en: "No containers yet. Start one with docker run -d --name c1 nginx:1.27-alpine",
    }
    ClickLayerHint { ko: "층을 누르면 무엇인지 설명해 줘요.", en: "Click a layer to see what it is." }
    ExplainHardware {
        ko: "하드웨어: CPU 코어, 메모리, 디스크예요. 두 스택 모두 같은 기계 위에서 돌아요.",
        en: "Hardware: CPU cores, memory and disk. Both stacks run on the same machine.",
    }
    ExplainHostOs {
        ko: "호스트 OS와 커널이에요. VM 쪽에서는 이 커널 안의 KVM이 하이퍼바이저 역할을 해요.",
        en: "The host OS and its kernel. On the VM side, KVM inside this kernel is the hypervisor.",
    }
    ExplainHypervisor {
        ko: "하이퍼바이저: KVM과 VMM(QEMU 또는 Firecracker)이 VM마다 가상 하드웨어를 만들어요. VMM 자체도 메모리를 써요.",
        en: "The hypervisor: KVM plus a VMM (QEMU or Firecracker) gives each VM virtual hardware. The VMM itself takes memory too.",
    }
    ExplainGuestOs {
        ko: "게스트 OS: VM마다 자기 커널을 따로 부팅해요. 그래서 VM 안의 uname -r 은 호스트가 아니라 게스트 커널을 보여 줘요. 부팅 시간과 메모리가 여기서 들어요.",
        en: "Guest OS: every VM boots its own kernel, so uname -r inside a VM prints the guest's kernel, not the host's. Boot time and memory go here.",
    }
    ExplainVmBins {
        ko: "바이너리/라이브러리: 게스트 디스크 이미지 안에 VM마다 따로 들어 있어요.",
        en: "Bins/libs: each VM keeps its own copy inside its guest disk image.",
    }
    ExplainVmApp {
        ko: "앱: 게스트 OS가 다 부팅된 뒤에야 시작해요.",
        en: "The app: it starts only after the guest OS has booted.",
    }
    ExplainSharedKernel {
        ko: "컨테이너는 게스트 커널이 없어요. 모두 호스트 커널 하나를 함께 쓰고, 네임스페이스와 cgroup으로 서로 격리돼요. 컨테이너 안의 uname -r 은 호스트 커널을 보여 줘요.",
        en: "Containers have no guest kernel: all share this one host kernel, isolated by namespaces and cgroups. uname -r inside a container prints the host's kernel.",
    }
    ExplainRuntime {
        ko: "컨테이너 런타임(containerd와 runc)이 네임스페이스와 cgroup을 만들고 이미지의 루트 파일시스템을 마운트한 뒤 프로세스를 실행해요.",
        en: "The container runtime (containerd with runc) creates namespaces and cgroups, mounts the image's root file system and execs the process.",
    }
    ExplainImageLayers {
        ko: "바이너리/라이브러리 = 이미지 레이어(Layer)예요. 읽기 전용이라 같은 이미지의 컨테이너들이 한 벌만 디스크에 두고 함께 써요.",
        en: "Bins/libs are the image's layers. They are read-only, so containers of the same image share one copy on disk.",
    }
    ExplainContainerApp {
        ko: "앱: 컨테이너마다 하나씩, 호스트 커널 위의 평범한 프로세스로 돌아요. 부팅할 커널이 없어서 바로 시작해요.",
        en: "The app: one per container, an ordinary process on the host kernel. There is no kernel to boot, so it starts at once.",
    }
    HostMemoryTitle { ko: "호스트 메모리", en: "Host memory" }
    MemorySummary { ko: "전체 {total} · 남은 메모리 {free}", en: "{total} in all · {free} free" }
    MemGuestOs { ko: "게스트 OS", en: "guest OS" }
    MemVmm { ko: "VMM 오버헤드", en: "VMM overhead" }
    MemApp { ko: "앱 몫", en: "left for the app" }
    MemContainer { ko: "컨테이너 프로세스", en: "container processes" }
    MemoryEmpty { ko: "켜진 VM이나 실행 중인 컨테이너가 없어요.", en: "No VM is powered on and no container is running." }
    MemorySource {
        ko: "VM은 켤 때 게스트 메모리 전체와 VMM 오버헤드를 잡아요. 게스트 OS 몫: 전체 VM 110 MiB (OpenShift 문서 PR #32825), 마이크로VM 32 MiB (가정). VMM: QEMU 30 MiB, Firecracker 5 MiB (SPECIFICATION.md). 컨테이너는 아무것도 미리 잡지 않고, 프로세스가 쓰는 만큼만 차지해요 (작은 프로세스 하나 512 KiB는 가정, stress 워커는 실제로 건드린 만큼).",
        en: "A VM reserves all its guest memory plus the VMM's overhead at power-on. Guest OS share: full VM 110 MiB (openshift-docs PR #32825), microVM 32 MiB (ASSUMPTION). VMM: QEMU 30 MiB, Firecracker 5 MiB (SPECIFICATION.md). A container reserves nothing: it costs what its processes use (a small idle process 512 KiB, ASSUMPTION; a stress worker what it has touched).",
    }
    BootRaceTitle { ko: "부팅 경주", en: "Boot race" }
    BootRaceEmpty {
        ko: "아직 시작한 VM이나 컨테이너가 없어요. vm start 나 docker run 으로 시작해 보세요.",
        en: "Nothing has started yet. Start a VM with vm start or a container with docker run.",
    }
    BootRaceAxis { ko: "시뮬레이션 시간 0 ~ {span}", en: "simulated time, 0 to {span}" }
    ReadyAfter { ko: "{time} 만에 준비", en: "ready after {time}" }
    StillBooting { ko: "부팅 중…", en: "booting…" }
    ContainerWord { ko: "컨테이너", en: "container" }
    LegendTitle { ko: "단계별 시간과 출처", en: "Phase durations and sources" }
    PhaseFirmware { ko: "펌웨어", en: "firmware" }
    PhaseKernel { ko: "커널", en: "kernel" }
    PhaseInit { ko: "init(초기화)", en: "init" }
    PhaseServices { ko: "서비스", en: "services" }
    PhaseApp { ko: "앱", en: "app" }
    PhaseStart { ko: "시작", en: "start" }
    PhaseNamespaces { ko: "네임스페이스 만들기", en: "create namespaces" }
    PhaseCgroup { ko: "cgroup 만들기", en: "cgroup" }
    PhaseMount { ko: "루트 파일시스템 마운트", en: "mount rootfs" }
    PhaseExec { ko: "프로세스 실행", en: "exec process" }
    ContainerLegendTitle { ko: "컨테이너 (docker run, 게스트 커널 없음)", en: "container (docker run, no guest kernel)" }

    // Host tab sections
    HostSections { ko: "호스트 화면 구역", en: "Host sections" }
    HostSecStacks { ko: "스택과 부팅", en: "Stacks & boot" }
    HostSecIsolation { ko: "격리", en: "Isolation" }
    HostSecBench { ko: "성능 비교", en: "Benchmarks" }
    HostSecDensity { ko: "집적도", en: "Density" }

    // Density section
    DensityTitle { ko: "집적도 실험: 몇 개나 들어갈까요?", en: "Density: how many fit?" }
    DensityEmpty {
        ko: "아직 실험하지 않았어요. host density 를 입력하면 이 호스트에 전체 VM, 마이크로VM, 컨테이너가 각각 몇 개나 들어가는지 세어 봐요.",
        en: "No experiment yet. Type host density to count how many full VMs, microVMs and containers fit on this host.",
    }
    DensitySummary {
        ko: "{time}에 실험 · 호스트 메모리 {memory} (남은 메모리 {free}) · 남은 디스크 {disk} · 종류마다 최대 {max}개",
        en: "measured at {time} · host memory {memory} ({free} free) · {disk} disk free · at most {max} of each kind",
    }
    DensityFullVm { ko: "전체 VM", en: "full VM" }
    DensityMicroVm { ko: "마이크로VM", en: "microVM" }
    DensityContainer { ko: "컨테이너", en: "container" }
    DensityFit { ko: "{count}개 들어가요", en: "{count} fit" }
    DensityRowLabel { ko: "{kind}: {count}개 들어가요", en: "{kind}: {count} fit" }
    DensityDotOne { ko: "점 하나 = 인스턴스 하나", en: "one dot = one instance" }
    DensityDotMany { ko: "점 하나 = 인스턴스 {count}개", en: "one dot = {count} instances" }
    DensityPerInstance { ko: "하나당 메모리", en: "Memory per instance" }
    DensityDisk { ko: "디스크 이미지 {disk}", en: "disk image {disk}" }
    DensityHostMemory { ko: "호스트 메모리", en: "Host memory" }
    DensityUsed { ko: "{free} 중 {used} 사용", en: "{used} of {free} taken" }
    DensityByMemory { ko: "메모리 부족", en: "limited by memory" }
    DensityByDisk { ko: "디스크 부족", en: "limited by disk" }
    DensityByMax { ko: "--max 도달", en: "--max reached" }
    DensityNote {
        ko: "호스트를 복사해서 한 실험이라 실제로 켜진 것은 없어요. VM은 켜는 순간부터 게스트가 얼마를 쓰든 게스트 메모리 전체와 VMM 오버헤드를 잡아요. 컨테이너는 프로세스가 실제로 쓰는 메모리만 잡고, 이미지 레이어와 호스트 커널은 함께 써요.",
        en: "An experiment on a copy of the host: nothing was started. A VM holds all its guest memory and its VMM's overhead from power-on, whatever its guest uses; a container holds only its processes' resident memory and shares its image's layers and the host's kernel.",
    }

    // Cluster tab (the cluster map, desired vs actual, the scheduler panel)
    TabCluster { ko: "클러스터", en: "Cluster" }
    ClEmpty {
        ko: "아직 클러스터가 없어요. cluster create --nodes 3 을 입력하면 노드 세 개짜리 클러스터를 만들어요.",
        en: "No cluster yet. Type cluster create --nodes 3 to make a cluster of three nodes.",
    }
    ClMapTitle { ko: "클러스터 지도", en: "Cluster map" }
    ClMapNote {
        ko: "막대는 파드 요청량(requests)과 할당 가능량(allocatable)이에요. 파드를 누르면 스케줄링 결정을 보여 줘요.",
        en: "Bars show pod requests against allocatable. Click a pod to see its scheduling decision.",
    }
    ClLegend { ko: "파드 상태 범례", en: "Pod status legend" }
    ClPending { ko: "Pending (노드 대기)", en: "Pending (no node yet)" }
    ClCreating { ko: "ContainerCreating (이미지 풀, 시작 중)", en: "ContainerCreating (pulling, starting)" }
    ClRunningNotReady { ko: "Running, 아직 준비 안 됨", en: "Running, not ready" }
    ClReady { ko: "Running, 준비됨 (Ready)", en: "Running and Ready" }
    ClTerminating { ko: "Terminating (종료 중)", en: "Terminating" }
    ClFailed { ko: "ImagePullBackOff, CrashLoopBackOff 같은 실패", en: "ImagePullBackOff, CrashLoopBackOff and other failures" }
    ClPendingLane { ko: "아직 노드에 배치되지 않은 파드 ({count}개)", en: "Pending, not scheduled yet ({count})" }
    ClPendingNone { ko: "없음", en: "none" }
    ClMorePods { ko: "외 {count}개:", en: "+{count} more:" }
    ClMorePodsLabel { ko: "표시하지 않은 파드 {count}개", en: "{count} more pods not drawn" }
    ClSummaryNote {
        ko: "파드가 {count}개라 노드마다 {shown}개까지만 그리고 나머지는 상태별 개수로 보여 줘요.",
        en: "{count} pods: each node draws up to {shown} of them and counts the rest by status.",
    }
    ClNodeLabel { ko: "노드 {node}, 파드 {count}개", en: "node {node}, {count} pods" }
    ClPodOnNode { ko: "{node} 노드의 파드 {pod}, {status}", en: "pod {pod} {status} on {node}" }
    ClPodUnscheduled { ko: "배치되지 않은 파드 {pod}, {status}", en: "pod {pod} {status}, not scheduled" }
    ClMemory { ko: "메모리", en: "mem" }
    ClPods { ko: "파드", en: "pods" }
    ClWorkloadsTitle { ko: "원하는 상태와 실제 상태", en: "Desired vs actual" }
    ClWorkloadsEmpty {
        ko: "디플로이먼트(Deployment)가 아직 없어요. kubectl create deployment web --image=nginx:1.27-alpine --replicas=3 으로 만들어 보세요.",
        en: "No Deployments yet. Try kubectl create deployment web --image=nginx:1.27-alpine --replicas=3",
    }
    ClWorkloadsNote {
        ko: "컨트롤러는 원하는 수(DESIRED)와 실제 수가 같아질 때까지 한 단계씩 조정해요. step 을 입력하면 한 번에 한 동작씩 볼 수 있어요.",
        en: "Controllers reconcile until the actual counts match DESIRED, one action at a time: type step to walk them.",
    }
    ClColName { ko: "이름", en: "Name" }
    ClColLatest { ko: "최근 이벤트", en: "latest" }
    ClShowEvent { ko: "이벤트 로그에서 #{id} 보기", en: "Show event #{id} in the log" }
    ClSchedTitle { ko: "스케줄러: 이 노드를 고른 이유", en: "Scheduler: why this node" }
    ClSchedPick {
        ko: "지도에서 파드를 누르거나 explain-schedule 파드이름 을 입력하면 노드마다 필터 결과와 점수를 보여 줘요.",
        en: "Click a pod in the map, or type explain-schedule POD, to see each node's filter verdicts and scores.",
    }
    ClSchedNone {
        ko: "파드 {pod}에는 아직 스케줄링 결정이 없어요.",
        en: "Pod {pod} has no scheduling decision yet.",
    }
    ClSchedGone { ko: "파드 {pod}는 더 이상 없어요.", en: "Pod {pod} no longer exists." }
    ClSchedDropped { ko: "노드별 판정과 점수는 노드 {all}개인 이 클러스터에서 가장 최근 {count}개의 스케줄링 결정만 보관해요(노드가 {nodes}개를 넘으면 보관하지 않아요). 이 결정은 요약만 남아 있어요.", en: "Per-node verdicts and scores are kept for the {count} most recent scheduling decisions on a cluster of {all} nodes, and for none above {nodes} nodes; this one has only its summary." }
    // Chaos panel and failure timeline (components/chaos.rs)
    ChTitle { ko: "장애 주입 (chaos)", en: "Chaos" }
    ChNote {
        ko: "버튼을 누르면 chaos 명령이 터미널에 입력한 것처럼 실행돼요. 노드의 실제 상태와 컨트롤 플레인이 아는 상태가 다를 수 있어요.",
        en: "Each button runs a chaos command as if typed in the terminal. What the machine is and what the control plane believes can differ for a while.",
    }
    ChNodeLabel { ko: "{node} 노드, {health}", en: "node {node}, {health}" }
    ChColTaints { ko: "테인트(taint):", en: "Taints:" }
    ChActionsLabel { ko: "{node} 노드에 장애 주입", en: "Inject a fault into {node}" }
    ChReady { ko: "Ready (정상)", en: "Ready" }
    ChNotReady { ko: "NotReady (준비 안 됨)", en: "NotReady" }
    ChUnknownReady { ko: "Unknown (응답 없음)", en: "Unknown" }
    ChDown { ko: "꺼짐", en: "Down" }
    ChPartitioned { ko: "네트워크 단절", en: "Partitioned" }
    ChHealthDetail { ko: "머신: {machine} · 컨트롤 플레인: {api}", en: "machine: {machine} · control plane: {api}" }
    ChMachineUp { ko: "켜짐", en: "up" }
    ChMachineDown { ko: "꺼짐", en: "down" }
    ChMachineKubelet { ko: "kubelet 멈춤", en: "kubelet stopped" }
    ChMachinePartitioned { ko: "네트워크 단절", en: "partitioned" }
    ChMachineRuntime { ko: "컨테이너 런타임 멈춤", en: "container runtime stopped" }
    ChMachineMemory { ko: "메모리 부족", en: "memory pressure" }
    ChMachineDisk { ko: "디스크 부족", en: "disk pressure" }
    ChNoTaints { ko: "없음", en: "none" }
    ChCrash { ko: "다운시키기", en: "Crash" }
    ChRecover { ko: "복구하기", en: "Recover" }
    ChStopKubelet { ko: "kubelet 멈추기", en: "Stop kubelet" }
    ChPartition { ko: "네트워크 끊기", en: "Partition" }
    ChHeal { ko: "되살리기", en: "Heal" }
    ChActionLabel { ko: "{node} 노드: {action}", en: "{action} {node}" }
    ChZones { ko: "영역(zone):", en: "Zones:" }
    ChZoneOutage { ko: "{zone} 영역 장애", en: "Zone outage {zone}" }
    ChZoneOutageLabel {
        ko: "{zone} 영역에서 돌아가는 노드 {count}개를 모두 다운시키기",
        en: "Crash the {count} running nodes of zone {zone}",
    }
    ChZoneRecover { ko: "{zone} 영역 복구", en: "Recover zone {zone}" }
    ChZoneRecoverLabel {
        ko: "{zone} 영역에서 다운된 노드 {count}개를 다시 켜기",
        en: "Bring the {count} crashed nodes of zone {zone} back up",
    }
    ChPod { ko: "파드:", en: "Pod:" }
    ChKillPod { ko: "{pod} 파드 종료", en: "Kill pod {pod}" }
    ChKillPodLabel { ko: "{pod} 파드의 컨테이너를 강제로 종료하기", en: "Kill the containers of pod {pod}" }
    ChPickPod {
        ko: "위 클러스터 지도에서 파드를 고르면 종료할 수 있어요.",
        en: "Pick a pod in the cluster map above to kill it.",
    }
    FtTitle { ko: "장애 타임라인", en: "Failure timeline" }
    FtNote {
        ko: "원인(cause)을 따라가면 이 장애에 닿는 이벤트들이에요. 표시를 누르면 로그에서 보여 줘요.",
        en: "Events whose causes lead back to the fault; click a mark to show it in the log.",
    }
    FtNone {
        ko: "아직 노드 장애가 없어요. 위에서 노드를 다운시키고 시간을 흘려 보세요 (run 7m).",
        en: "No node fault yet. Crash a node above, then let time run (run 7m).",
    }
    FtPick { ko: "장애 선택", en: "Fault" }
    FtWhich { ko: "{time}에 {node} 노드에 {fault}", en: "{fault} on {node} at {time}" }
    FtMeasures { ko: "측정한 시간과 기본값", en: "Measured waits and their defaults" }
    FtDetect { ko: "마지막 하트비트 → Unknown", en: "Last heartbeat → Unknown" }
    FtDetectRuntime { ko: "런타임 정지 → NotReady", en: "Runtime stop → NotReady" }
    FtRuntimeDefault {
        ko: "kubelet이 런타임을 {wait} 기다린 뒤 10 s마다 하는 상태 보고 때 NotReady를 알려요",
        en: "the kubelet waits {wait} for the runtime, then reports NotReady at its next 10 s status update",
    }
    FtNotReadyFalse { ko: "노드 Ready=False", en: "Node Ready=False" }
    FtTolerate { ko: "NoExecute 테인트 → 축출", en: "NoExecute taint → eviction" }
    FtNotYet { ko: "아직", en: "not yet" }
    FtGraceDefault {
        ko: "기본 유예 시간(grace period) {grace}, {period}마다 확인",
        en: "default grace period {grace}, checked every {period}",
    }
    FtTolerationDefault {
        ko: "기본 tolerationSeconds {seconds}",
        en: "default tolerationSeconds {seconds}",
    }
    FtMarks { ko: "장애 이후 단계", en: "Steps after the fault" }
    FtMarkLabel { ko: "{step}, {time}, 이벤트 #{id} 보기", en: "{step} at {time}, show event #{id}" }
    FtMissing { ko: "아직 일어나지 않은 단계: {steps}", en: "Not happened yet: {steps}" }
    FtFault { ko: "장애 주입", en: "Fault injected" }
    FtHeartbeat { ko: "마지막 하트비트", en: "Last heartbeat" }
    FtUnknown { ko: "노드 Ready=Unknown", en: "Node Ready=Unknown" }
    FtTainted { ko: "테인트 추가", en: "Taints added" }
    FtPodsNotReady { ko: "파드 준비 안 됨", en: "Pods not ready" }
    FtEndpoints { ko: "엔드포인트 제외", en: "Endpoints removed" }
    FtTrafficFailing { ko: "트래픽 실패", en: "Traffic failing" }
    FtEviction { ko: "축출(eviction)", en: "Eviction" }
    FtCreated { ko: "대체 파드 생성", en: "Replacement created" }
    FtScheduled { ko: "스케줄됨", en: "Scheduled" }
    FtPulled { ko: "이미지 준비", en: "Image pulled" }
    FtReady { ko: "대체 파드 Ready", en: "Replacement Ready" }
    FtTrafficOk { ko: "트래픽 정상", en: "Traffic ok" }
    ClSchedSummary {
        ko: "파드 {pod}: 노드 {all}개 중 {evaluated}개를 필터로 검사했고 {feasible}개가 통과했어요 (찾을 노드 수 {find}개).",
        en: "Pod {pod}: filters ran on {evaluated} of {all} nodes, {feasible} passed (nodes to find: {find}).",
    }
    ClSchedWinner { ko: "{node} 노드가 선택됐어요", en: "{node} was selected" }
    ClSchedTied {
        ko: "최고 점수 노드 {count}개 중에서 시드로 정해진 무작위 선택",
        en: "{count} nodes tied for the best total; the seeded tie-break chose",
    }
    ClSchedNode { ko: "노드", en: "Node" }
    ClSchedFilters {
        ko: "필터: 통과하면 ✓, 탈락하면 그 이유",
        en: "Filters: ✓ when the node passes, else the reason",
    }
    ClSchedScores {
        ko: "점수: 정규화 점수 × 가중치, 합계가 가장 높은 노드가 선택돼요",
        en: "Scores: normalized × weight; the highest total wins",
    }
    ClSchedTotal { ko: "합계", en: "Total" }
    ClSchedNotRun { ko: "앞의 필터에서 탈락해 실행되지 않았어요", en: "not run: an earlier filter rejected the node" }
    ClSchedSkipped { ko: "PreScore가 건너뛰었어요", en: "skipped by PreScore" }
    ClSchedNotConsidered {
        ko: "검사하지 않음 (percentageOfNodesToScore 샘플링)",
        en: "not considered (percentageOfNodesToScore sampling)",
    }
    ClGraphTitle {
        ko: "오브젝트 그래프: 디플로이먼트 → 레플리카셋 → 파드 → 노드",
        en: "Object graph: Deployment → ReplicaSets → Pods → Nodes",
    }
    ClGraphDeployments { ko: "디플로이먼트", en: "Deployments" }
    ClGraphReplicaSets { ko: "레플리카셋", en: "ReplicaSets" }
    ClGraphPods { ko: "파드", en: "Pods" }
    ClGraphNodes { ko: "노드", en: "Nodes" }
    ClGraphTooBig {
        ko: "오브젝트가 너무 많아 그래프를 그리지 않아요 (그리는 한도 {max}개): 디플로이먼트 {deployments}, 레플리카셋 {replicasets}, 파드 {pods}, 노드 {nodes}.",
        en: "Too many objects to draw (limit {max}): {deployments} Deployments, {replicasets} ReplicaSets, {pods} Pods, {nodes} Nodes.",
    }
    ClSchedMoreSkipped { ko: "샘플링으로 건너뛴 노드 {count}개", en: "{count} nodes left out by sampling" }

    // Isolation section
    IsoTitle { ko: "격리", en: "Isolation" }
    IsoEmpty {
        ko: "컨테이너가 없어요. docker run -d --name hog --memory 64Mi alpine:3.20 sleep infinity 로 하나 실행해 보세요.",
        en: "No containers yet. Start one with docker run -d --name hog --memory 64Mi alpine:3.20 sleep infinity",
    }
    IsoHeading { ko: "{name} 컨테이너의 격리", en: "Isolation of {name}" }
    IsoExited { ko: "종료됨 (코드 {code})", en: "exited (code {code})" }
    IsoStateExited { ko: "종료됨", en: "exited" }
    IsoStateCreated { ko: "생성됨", en: "created" }
    IsoImage { ko: "이미지", en: "image" }
    IsoHostname { ko: "호스트 이름(UTS 네임스페이스)", en: "hostname (UTS namespace)" }
    IsoKernel { ko: "커널 {kernel} (호스트와 같은 커널)", en: "kernel {kernel} (the host's, shared)" }
    IsoNoNamespace { ko: "없음 (실행 중이 아님)", en: "none (not running)" }
    IsoProcsTitle { ko: "프로세스: 하나의 프로세스 표를 두 곳에서 보기", en: "Processes: one process table, seen from two places" }
    IsoInside { ko: "컨테이너 안 (ps)", en: "Inside the container (ps)" }
    IsoOnHost { ko: "호스트에서 (ps, docker top)", en: "On the host (ps, docker top)" }
    IsoPidNs { ko: "PID 네임스페이스 {ns}", en: "PID namespace {ns}" }
    IsoColCommand { ko: "명령", en: "Command" }
    IsoColPidInside { ko: "안의 PID", en: "PID inside" }
    IsoColPidHost { ko: "호스트 PID", en: "host PID" }
    IsoColPpidHost { ko: "호스트 PPID", en: "host PPID" }
    IsoProcsCaption {
        ko: "프로세스 표: 컨테이너 안(PID 네임스페이스 {inside})과 호스트(PID 네임스페이스 {host})",
        en: "Processes inside the container (PID namespace {inside}) and on the host (PID namespace {host})",
    }
    IsoColSame { ko: "같은 프로세스", en: "same process" }
    IsoColUser { ko: "사용자", en: "User" }
    IsoMoreHost { ko: "그 밖의 호스트 프로세스 {count}개", en: "{count} more host processes" }
    IsoProcsNote {
        ko: "한 행이 프로세스 하나예요. 컨테이너 안에서는 자기 PID 네임스페이스만 보여서 컨테이너의 명령이 PID 1이고, 호스트에서는 같은 프로세스가 평범한 호스트 PID로 보여요. 빗금 친 칸(—)은 컨테이너 안에서 보이지 않는 호스트 프로세스예요.",
        en: "A row is one process. Inside, the container sees only its own PID namespace, so its command is PID 1; the host sees the same process under an ordinary host PID. A hatched cell (—) is a host process, invisible inside.",
    }
    IsoProcMeta { ko: "메모리 {rss} · CPU {cpu}", en: "RSS {rss} · CPU {cpu}" }
    IsoKilled { ko: "강제 종료 · {code} {reason}", en: "killed · {code} {reason}" }
    IsoSameProcess { ko: "안의 PID {pid} = 호스트 PID {host}", en: "PID {pid} inside = host PID {host}" }
    IsoNotVisible { ko: "— 컨테이너 안에서는 보이지 않아요", en: "— not visible inside" }
    IsoRowLabel {
        ko: "컨테이너 안 PID {pid}, 호스트 PID {host}: {command}",
        en: "PID {pid} inside, host PID {host}: {command}",
    }
    IsoHostRowLabel { ko: "호스트 PID {host}: {command} (컨테이너 안에서는 안 보임)", en: "Host PID {host}: {command} (not visible inside)" }
    IsoRootTitle { ko: "루트 디렉터리 ( / )", en: "Root directory ( / )" }
    IsoRootInside { ko: "{name} 안의 /", en: "/ inside {name}" }
    IsoRootHost { ko: "호스트의 /", en: "/ on the host" }
    IsoRootNote {
        ko: "컨테이너의 / 는 이미지 레이어와 쓰기 가능한 레이어를 합친 파일시스템이에요(마운트 네임스페이스와 pivot_root). 호스트에서는 이 경로예요:",
        en: "The container's / is its image layers merged with its writable layer (a mount namespace and pivot_root). On the host it is:",
    }
    IsoCgroupTitle { ko: "cgroup: 메모리와 CPU", en: "cgroup: memory and CPU" }
    IsoMemTitle { ko: "메모리", en: "Memory" }
    IsoMemLimit { ko: "제한 {limit} (--memory)", en: "limit {limit} (--memory)" }
    IsoMemNoLimit { ko: "제한 없음 (호스트 전체 {limit})", en: "no limit (the host's {limit})" }
    IsoMemLabel { ko: "{usage} 사용 / {limit}", en: "{usage} in use / {limit}" }
    IsoMemAtOom { ko: "OOM 킬러가 나선 순간 {usage} / {limit}", en: "{usage} when the OOM killer struck / {limit}" }
    IsoPids { ko: "프로세스 수 {count} (pids.current)", en: "processes: {count} (pids.current)" }
    IsoOomNote {
        ko: "{time}에 메모리가 {usage}로 제한 {limit}을 넘어서 OOM 킬러가 PID {pid}(호스트 PID {host}, {command})를 죽였어요. 종료 코드 {code} = 128 + SIGKILL(9). 이벤트 #{event}",
        en: "At {time} memory reached {usage}, over the {limit} limit: the OOM killer killed PID {pid} (host PID {host}, {command}). Exit code {code} = 128 + SIGKILL (9). Event #{event}",
    }
    IsoCpuTitle { ko: "CPU 사용량", en: "CPU" }
    IsoCpuQuota { ko: "할당량 {quota} CPU (--cpus)", en: "quota {quota} CPU (--cpus)" }
    IsoCpuNoQuota { ko: "할당량 없음 (코어 {cores}개)", en: "no quota ({cores} cores)" }
    IsoCpuLabel { ko: "{used} CPU 사용 · 원하는 양 {wanted} CPU · {quota}", en: "{used} CPU in use · {wanted} CPU wanted · {quota}" }
    IsoThrottled {
        ko: "스로틀링 {time}: {period} 주기 {periods}번 중 {throttled}번 할당량을 다 썼어요 (cpu.stat)",
        en: "throttled {time}: the quota ran out in {throttled} of {periods} periods of {period} (cpu.stat)",
    }
    IsoThrottledNow { ko: "스로틀링 중", en: "throttled" }
    IsoCpuUsage { ko: "누적 CPU 시간 {usage} · CPU 가중치(shares) {shares}", en: "CPU time used {usage} · CPU shares {shares}" }
    IsoCgroupNote {
        ko: "막대 끝의 선이 제한이에요. 메모리가 제한을 넘는 순간 커널의 OOM 킬러가 가장 많이 쓰는 프로세스를 SIGKILL로 죽여요. CPU는 100 ms 주기마다 할당량만큼만 돌고 나머지 시간은 기다려요.",
        en: "The line is the limit. The instant memory crosses it, the kernel's OOM killer sends SIGKILL to the process using the most. CPU runs only its quota in every 100 ms period and waits for the rest.",
    }

    // Benchmark section
    BenchTitle { ko: "성능 비교: 논문과 샌드박스", en: "Benchmarks: the paper and the sandbox" }
    BenchCaption { ko: "출처: {source}", en: "Source: {source}" }
    BenchRanCount { ko: "이 세션에서 bench 실행 {count}번", en: "bench runs in this session: {count}" }
    BenchWorkloadHead { ko: "{benchmark} · 부하: {stresses} · 단위: {unit}", en: "{benchmark} · stresses {stresses} · unit: {unit}" }
    BenchColPlatform { ko: "플랫폼", en: "Platform" }
    BenchColSandbox { ko: "샌드박스", en: "Sandbox" }
    BenchColPaper { ko: "논문", en: "Paper" }
    BenchColSource { ko: "근거", en: "Where the figure comes from" }
    BenchRanTimes { ko: "실행함 ×{count}", en: "ran ×{count}" }
    PlatformHost { ko: "베어메탈 (호스트)", en: "bare metal (host)" }
    PlatformContainer { ko: "컨테이너 (Docker)", en: "container (Docker)" }
    PlatformVm { ko: "VM (KVM, 튜닝 전)", en: "VM (KVM, untuned)" }
    PlatformVmTuned { ko: "VM (KVM, 튜닝 후)", en: "VM (KVM, tuned)" }
    BenchNote {
        ko: "bench linpack --on vm 처럼 실행하면 해당 행이 강조돼요. 논문 수치는 ../shared/FACTS.md 에 옮긴 값이에요: Linpack은 정확한 값, 나머지는 반올림한 값이고, 논문에 없는 값은 ASSUMPTION(가정)이라고 적혀 있어요.",
        en: "Run one with bench linpack --on vm and its row lights up. The paper's figures are as ../shared/FACTS.md records them: Linpack exact, the rest rounded; a figure the paper does not give says ASSUMPTION.",
    }

    // Files view
    WsFilesTitle { ko: "작업 공간 파일", en: "Workspace files" }
    FilesEmpty {
        ko: "아직 파일이 없어요. cat > Dockerfile 로 파일을 만들거나 docker save alpine:3.20 -o alpine.tar 로 이미지를 저장해 보세요.",
        en: "No files yet. Write one with cat > Dockerfile, or save an image with docker save alpine:3.20 -o alpine.tar",
    }
    WsFilesSummary {
        ko: "파일 {count}개 · 모두 {size}",
        en: "{count} files · {size} in all",
    }
    FilesNote {
        ko: "다운로드한 .tar 는 진짜 OCI 이미지 레이아웃이에요: tar -xf 로 풀거나 skopeo, umoci 로 읽어 보세요. 다이제스트는 샌드박스가 보여 준 것과 같아요.",
        en: "A downloaded .tar is a real OCI image layout: unpack it with tar -xf or read it with skopeo or umoci. Its digests are the ones the sandbox shows.",
    }
    FilesTableLabel { ko: "작업 공간의 파일 목록", en: "Files in the workspace" }
    FileColName { ko: "파일", en: "File" }
    FileColKind { ko: "종류", en: "Kind" }
    FileColSize { ko: "크기", en: "Size" }
    FileKindText { ko: "텍스트", en: "text" }
    FileKindArchive { ko: "이미지 아카이브", en: "image archive" }
    FileKindBinary { ko: "바이너리", en: "binary" }
    FileBytes { ko: "{bytes}바이트", en: "{bytes} bytes" }
    Download { ko: "다운로드", en: "Download" }
    DownloadLabel { ko: "{name} 다운로드 ({size})", en: "Download {name} ({size})" }
    DownloadFailed { ko: "다운로드하지 못했어요: {error}", en: "The download failed: {error}" }
    FileGone {
        ko: "{name} 파일은 이제 작업 공간에 없어요",
        en: "{name} is no longer in the workspace",
    }

    // Files view: the editor
    NewFile { ko: "새 파일", en: "New file" }
    NewFileName { ko: "새 파일 이름", en: "New file name" }
    NewFileCreate { ko: "만들기", en: "Create" }
    NewFileBadName {
        ko: "파일 이름을 입력하세요 (폴더는 / 로 구분해요).",
        en: "Type a file name (folders are separated by /).",
    }
    Cancel { ko: "취소", en: "Cancel" }
    Edit { ko: "편집", en: "Edit" }
    EditLabel { ko: "{name} 편집하기", en: "Edit {name}" }
    EditorTitle { ko: "{name} 편집", en: "Editing {name}" }
    EditorTextLabel { ko: "{name}의 내용", en: "Contents of {name}" }
    EditorUnsaved { ko: "저장 안 됨", en: "unsaved" }
    EditorUnsavedLabel {
        ko: "{name}: 저장하지 않은 변경이 있어요",
        en: "{name}: unsaved changes",
    }
    EditorNewFile { ko: "새 파일 · 아직 저장 안 됨", en: "new file · not saved yet" }
    EditorSavedState { ko: "저장됨", en: "saved" }
    Save { ko: "저장", en: "Save" }
    SaveTitle {
        ko: "저장 (Ctrl+S): 터미널에서 cat > {name} <<'EOF' 명령으로 실행돼요",
        en: "Save (Ctrl+S): runs cat > {name} <<'EOF' in the terminal",
    }
    Discard { ko: "변경 취소", en: "Discard changes" }
    DiscardTitle {
        ko: "저장하지 않은 변경을 버리고 작업 공간의 내용으로 돌아가요",
        en: "Drop the unsaved changes and go back to the workspace's text",
    }
    CloseEditor { ko: "편집기 닫기", en: "Close the editor" }
    CloseEditorTitle {
        ko: "편집기를 닫아요. 저장하지 않은 변경은 초안으로 남아요.",
        en: "Close the editor. Unsaved changes stay as a draft.",
    }
    EditorHint {
        ko: "Tab 공백 두 칸 · Ctrl+S 저장 · Esc 다음 Tab 편집기 나가기 · 다른 파일로 바꿔도 초안은 남아요",
        en: "Tab inserts two spaces · Ctrl+S saves · Esc then Tab leaves · switching files keeps drafts",
    }
    EditorPastNote {
        ko: "지난 프레임을 보고 있어요. 지금 저장하면 이후 프레임은 사라져요.",
        en: "You are viewing an earlier frame: saving now drops the later frames.",
    }
    CheckStatusLabel { ko: "검사 결과", en: "Check result" }
    CheckChecking { ko: "검사 중…", en: "Checking…" }
    CheckObjectsOne { ko: "오브젝트 1개: {names}", en: "1 object: {names}" }
    CheckObjectsMany { ko: "오브젝트 {count}개: {names}", en: "{count} objects: {names}" }
    CheckNoObjects {
        ko: "오브젝트가 없어요 (빈 매니페스트예요).",
        en: "No objects (the manifest is empty).",
    }
    CheckDockerfileOk {
        ko: "Dockerfile: 명령어(instruction) {instructions}개, 스테이지 {stages}개",
        en: "Dockerfile: {instructions} instructions, {stages} stages",
    }
    CheckNone {
        ko: "이 파일은 검사하지 않아요. .yaml, .yml, .json 과 Dockerfile 만 검사해요.",
        en: "This file is not checked: .yaml, .yml, .json and Dockerfile are.",
    }
    GoToLineColumn { ko: "{line}번째 줄, {column}번째 열", en: "line {line}, column {column}" }
    GoToLine { ko: "{line}번째 줄", en: "line {line}" }
    GoToTitle {
        ko: "커서를 {line}번째 줄로 옮겨요",
        en: "Move the caret to line {line}",
    }
    ErrorLineMark { ko: "오류가 있는 줄", en: "line with the error" }
    SaveTooLarge {
        ko: "{bytes}바이트라서 저장할 수 없어요. 작업 공간 파일은 1 MiB({limit}바이트)까지예요.",
        en: "Cannot save {bytes} bytes: a workspace file holds at most 1 MiB ({limit} bytes).",
    }
    SaveTooManyLines {
        ko: "{lines}줄이라서 명령 하나로 저장할 수 없어요. 스크립트 하나는 {limit}줄까지예요.",
        en: "Cannot save {lines} lines in one command: a script holds at most {limit} lines.",
    }
    SaveLineTooLong {
        ko: "{line}번째 줄이 {bytes}바이트라서 저장할 수 없어요. 한 줄은 {limit}바이트까지예요.",
        en: "Cannot save: line {line} is {bytes} bytes; a line holds at most {limit} bytes.",
    }
    SaveRefused {
        ko: "샌드박스가 저장을 거부했어요: {error}",
        en: "The sandbox refused the save: {error}",
    }

    // Build view: the FROM step
    FromPulled { ko: "받아옴(pull)", en: "pulled" }
    FromLocal { ko: "CACHED · 이미 로컬에 있음", en: "CACHED · already local" }
    FromBase { ko: "기반 이미지", en: "base image" }
    ContainersEmpty {
        ko: "컨테이너가 없어요. docker run -d --name c1 app:1 sleep 1000 을 입력해 보세요.",
        en: "No containers. Try docker run -d --name c1 app:1 sleep 1000",
    }
    ContainerPicker { ko: "컨테이너", en: "Containers" }
    ContainerStackTitle {
        ko: "컨테이너 = 읽기 전용 이미지 레이어 + 쓰기 가능 레이어",
        en: "Container = read-only image layers + one writable layer",
    }
    ReadOnlyBelow { ko: "▲ 쓰기 가능 · ▼ 읽기 전용 (이미지는 바뀌지 않아요)", en: "▲ writable · ▼ read-only (the image never changes)" }
    WritableLayer { ko: "쓰기 가능 레이어", en: "Writable layer" }
    WritableFacts {
        ko: "변경 {changes}개 · 복사해 올림(copy-up) {copied}개 · 화이트아웃 {whiteouts}개 · {size}",
        en: "{changes} changes · {copied} copied up · {whiteouts} whiteouts · {size}",
    }
    DiffTitle { ko: "{name}의 변경 (docker diff)", en: "Changes in {name} (docker diff)" }
    DiffLegend {
        ko: "A 추가 · C 변경 · D 삭제 · ↑ 이미지에서 복사해 올린 파일 · .wh. 화이트아웃",
        en: "A added · C changed · D deleted · ↑ copied up from the image · .wh. whiteout",
    }
    DiffEmpty { ko: "아직 바뀐 파일이 없어요.", en: "No changes yet." }
    CopiedUp { ko: "복사해 올림", en: "copied up" }

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

    // Traffic, manual fleet and cluster profiles
    TfTitle { ko: "서비스(Service)로 가는 트래픽", en: "Traffic on Services" }
    TfNote {
        ko: "선 굵기는 마지막 1초 동안 각 엔드포인트가 받은 요청 수예요. 실패한 요청은 빨간 점선과 ✕로 표시해요.",
        en: "Line thickness is the requests each endpoint got in the last second; failed ones are dashed red with ✕.",
    }
    TfEmpty {
        ko: "아직 트래픽이 없어요. 아래 버튼이나 traffic start svc/이름 명령으로 시작하세요.",
        en: "No traffic yet. Start it with a button or traffic start svc/NAME.",
    }
    TfStart { ko: "{target}에 트래픽 보내기", en: "Start traffic on {target}" }
    TfStop { ko: "중지", en: "Stop" }
    TfRunning { ko: "초당 {rps}건 전송 중", en: "sending {rps} req/s" }
    TfStopped { ko: "중지됨", en: "stopped" }
    TfFlowTitle { ko: "요청이 가는 곳 (마지막 1초)", en: "Where requests go (last second)" }
    TfFlowAria { ko: "{target}에서 각 엔드포인트로 가는 요청", en: "Requests from {target} to each endpoint" }
    TfRowAria {
        ko: "{endpoint} ({node} 노드): 성공 {ok}건, 실패 {failed}건",
        en: "{endpoint} on {node}: {ok} answered, {failed} failed",
    }
    TfPerSec { ko: "초당 {count}건", en: "{count}/s" }
    TfFailedPerSec { ko: "✕ 초당 {count}건 실패", en: "✕ {count}/s failed" }
    TfDown { ko: "노드 다운", en: "node down" }
    TfNotReady { ko: "준비 안 됨", en: "not ready" }
    TfNoEndpoints { ko: "엔드포인트가 없어요: 요청이 바로 거부돼요", en: "No endpoints: requests are refused at once" }
    TfMoreEndpoints {
        ko: "그리지 않은 엔드포인트 {count}개: 준비됨 {ready}, 준비 안 됨 {notready}, 노드 다운 {down}",
        en: "{count} more endpoints not drawn: {ready} ready, {notready} not ready, {down} on a down node",
    }
    TfChartTitle { ko: "성공률 (최근 {seconds}초, 시뮬레이션 시간)", en: "Success rate (last {seconds} s, sim time)" }
    TfChartAria { ko: "최근 {seconds}초 성공률 차트: {rate}", en: "Success-rate chart of the last {seconds} s: {rate}" }
    TfAxisTime { ko: "시뮬레이션 시간", en: "sim time" }
    TfLegendOk { ko: "성공률 %", en: "success %" }
    TfLegendFail { ko: "실패한 요청의 비율", en: "share of requests failed" }
    TfLastSecond { ko: "마지막 1초", en: "last second" }
    TfRecent { ko: "최근 {seconds}초", en: "last {seconds} s" }
    TfFailedKinds { ko: "실패 종류", en: "failures" }
    TfTimeoutsRefused {
        ko: "시간 초과 {timeouts}건, 연결 거부 {refused}건",
        en: "{timeouts} timed out, {refused} refused",
    }
    TfNoSeconds { ko: "아직 1초도 지나지 않았어요. run 10s를 입력해 보세요.", en: "No second counted yet: try run 10s." }
    FlTitle { ko: "수동 서버 운영과 오케스트레이션 비교", en: "Manual fleet vs orchestrated" }
    FlNote {
        ko: "노드가 죽으면 서비스는 감지 시간(약 50초)이 지난 뒤 스스로 회복해요. 직접 만든 로드 밸런서는 누군가 lb remove를 입력할 때까지 계속 실패해요.",
        en: "After a node crash the Service recovers by itself once the crash is detected (≈50 s); the hand-made load balancer keeps failing until someone types lb remove.",
    }
    FlManualTitle { ko: "수동 운영", en: "Manual fleet" }
    FlManualWhat {
        ko: "ssh로 띄운 컨테이너와 상태 검사 없는 라운드 로빈 로드 밸런서",
        en: "containers started over ssh, a round-robin load balancer without health checks",
    }
    FlOrchTitle { ko: "쿠버네티스", en: "Kubernetes" }
    FlOrchWhat {
        ko: "디플로이먼트(Deployment)와 서비스: 준비된 엔드포인트로만 보내요",
        en: "a Deployment behind a Service: requests go to ready endpoints only",
    }
    FlNodeUp { ko: "동작 중", en: "up" }
    FlNodeDown { ko: "✕ 다운", en: "✕ down" }
    FlOnNode { ko: "{node} 노드 · {state}", en: "on {node} · {state}" }
    FlNoRequests { ko: "요청 없음", en: "no requests" }
    FlFailingSeconds { ko: "실패가 있었던 초", en: "seconds with failures" }
    FlSeconds { ko: "트래픽 시작 후 {count}초", en: "{count} since traffic started" }
    FlManualStuck {
        ko: "{backend}의 노드가 죽었는데도 로드 밸런서는 여전히 차례가 오면 그곳으로 요청을 보내요. 아무도 고치지 않아요.",
        en: "{backend}'s node is down, yet the load balancer still sends it every turn. Nobody fixes it.",
    }
    FlRemoveDead { ko: "죽은 백엔드 빼기", en: "Remove dead backend" }
    FlManualFine { ko: "모든 백엔드의 노드가 동작 중이에요.", en: "Every backend's node is up." }
    FlOrchHealed {
        ko: "{node} 노드의 파드는 준비 안 됨으로 표시되어 엔드포인트에서 빠졌어요. 요청은 다른 파드로만 가요.",
        en: "The pods on {node} were marked not ready and left the endpoints: requests go to the other pods only.",
    }
    FlOrchDetecting {
        ko: "죽은 노드를 아직 감지하지 못했어요. 노드 상태가 NotReady가 될 때까지(약 50초) 일부 요청이 실패해요.",
        en: "The dead node is not detected yet: some requests fail until the node turns NotReady (≈50 s).",
    }
    FlOrchFine { ko: "모든 엔드포인트의 노드가 동작 중이에요.", en: "Every endpoint's node is up." }
    PfTitle { ko: "어디서나 실행: 클러스터 프로필", en: "Runs anywhere: cluster profiles" }
    PfNote {
        ko: "같은 매니페스트를 다른 클러스터에서 실행한 미리보기예요. 지금 세션은 바뀌지 않아요.",
        en: "A preview of the same manifests on another kind of cluster; your session is not changed.",
    }
    PfLocalWhat { ko: "노트북의 kind처럼 노드 1개", en: "1 node, like kind on a laptop" }
    PfOnpremWhat { ko: "랙 2개 × 베어메탈 서버 3대", en: "2 racks × 3 bare-metal servers" }
    PfCloudWhat { ko: "EKS처럼 영역(zone) 3개 × 노드 2개", en: "3 zones × 2 nodes, like EKS" }
    PfPick { ko: "프로필을 고르면 미리보기가 나타나요.", en: "Pick a profile to see the preview." }
    PfSummary {
        ko: "{profile}: 매니페스트 명령 {commands}개를 실행하고 2분 뒤 — 노드 {nodes}개, 영역 {zones}개, 파드 {pods}개 중 {ready}개 준비됨",
        en: "{profile}: {commands} manifest command(s) applied, after 2 min — {nodes} nodes in {zones} zones, {ready} of {pods} pods ready",
    }
    PfNoManifests {
        ko: "아직 kubectl apply -f로 적용한 매니페스트가 없어요. 빈 클러스터만 보여요.",
        en: "No manifest applied with kubectl apply -f yet: the cluster is empty.",
    }
    PfCommands { ko: "미리보기에서 다시 실행한 명령", en: "Commands replayed in the preview" }
    PfNoZone { ko: "영역 레이블 없음", en: "no zone label" }
    PfTooBig {
        ko: "노드 {nodes}개, 파드 {pods}개는 미리보기로 그리기에 너무 커요 (최대 노드 {maxnodes}개, 파드 {maxpods}개).",
        en: "{nodes} nodes and {pods} pods are too many to preview here (at most {maxnodes} nodes and {maxpods} pods).",
    }
    PfUse { ko: "{profile} 프로필로 바꾸기", en: "Use the {profile} profile" }

    // Course: picker, lesson pane, goals, hints, finishing
    FreeSandbox { ko: "자유 샌드박스", en: "Free sandbox" }
    LessonPickerLabel {
        ko: "레슨 고르기: 장(chapter)별 레슨, 끝낸 레슨에는 ✓ 표시",
        en: "Choose a lesson: lessons by chapter, ✓ marks the ones completed",
    }
    CompletedMark { ko: "완료", en: "completed" }
    LessonNumber { ko: "레슨 {n}", en: "Lesson {n}" }
    CourseTitle { ko: "코스", en: "Course" }
    CourseIntro {
        ko: "레슨을 차례대로 따라가 보세요. 레슨마다 새 세션에서 시작해요.",
        en: "Work through the lessons in order. Each lesson starts in a fresh session.",
    }
    ContinueLesson { ko: "이어서 하기: {title}", en: "Continue: {title}" }
    OpenLessonLabel { ko: "레슨 열기: {title}", en: "Open lesson: {title}" }
    IntroTitle { ko: "소개", en: "Introduction" }
    PageOf { ko: "{page} / {total}쪽", en: "Page {page} of {total}" }
    PrevPage { ko: "이전", en: "Previous" }
    NextPage { ko: "다음", en: "Next" }
    RunDemo { ko: "실행", en: "Run" }
    RunDemoLabel { ko: "이 명령을 실행하기: {command}", en: "Run this command: {command}" }
    DemoRan { ko: "실행했어요", en: "Ran" }
    PredictTitle { ko: "먼저 예상해 보세요", en: "Predict first" }
    PredictPick { ko: "답을 고르면 실행할 수 있어요.", en: "Pick an answer to enable Run." }
    PredictRight { ko: "맞았어요!", en: "Right!" }
    PredictWrong { ko: "아쉬워요. 정답은: {answer}", en: "Not quite. The answer: {answer}" }
    PredictYours { ko: "내 선택", en: "your choice" }
    PredictAnswer { ko: "정답", en: "answer" }
    StartExercise { ko: "실습 시작하기", en: "Start the exercise" }
    StartExerciseNote {
        ko: "아직 실행하지 않은 시연 명령을 차례로 실행하고, 여기서부터 목표를 확인해요.",
        en: "Runs the demonstrations not run yet, in order; the goals count from here.",
    }
    ExerciseStarted { ko: "실습 중이에요. 터미널에 명령을 입력하세요.", en: "Exercise under way: type commands in the terminal." }
    GoalsTitle { ko: "목표", en: "Goals" }
    GoalsNotStarted {
        ko: "실습을 시작하면 목표를 확인해요.",
        en: "The goals are checked once the exercise starts.",
    }
    GoalMet { ko: "달성", en: "met" }
    GoalNotMet { ko: "아직", en: "not yet" }
    GoalMetAnnounce { ko: "목표 달성: {goal}", en: "Goal met: {goal}" }
    HintButton { ko: "힌트 ({n}/{total})", en: "Hint ({n}/{total})" }
    NoMoreHints { ko: "힌트를 모두 봤어요", en: "No more hints" }
    HintsTitle { ko: "힌트", en: "Hints" }
    ShowSolution { ko: "풀이 보기", en: "Show solution" }
    SolutionConfirm {
        ko: "풀이를 보면 스스로 찾는 재미가 줄어요. 정말 볼까요?",
        en: "Seeing the solution spoils the puzzle. Show it anyway?",
    }
    SolutionYes { ko: "네, 보여 주세요", en: "Yes, show it" }
    SolutionNo { ko: "아니요", en: "No" }
    SolutionTitle { ko: "풀이", en: "Solution" }
    SolutionInsert { ko: "터미널에 넣기", en: "Put in the terminal" }
    ResetLesson { ko: "레슨 처음부터", en: "Reset lesson" }
    ResetLessonTitle {
        ko: "설정(setup)부터 새 세션으로 다시 시작해요",
        en: "Start over from the lesson's setup in a fresh session",
    }
    LessonDoneTitle { ko: "레슨 완료!", en: "Lesson complete!" }
    LearnedTitle { ko: "배운 것", en: "What you learned" }
    ScoreTitle { ko: "점수", en: "Score" }
    ScoreCommands { ko: "사용한 명령 {n}개", en: "{n} command(s) used" }
    ScoreTraffic {
        ko: "트래픽 유지율 {percent}% (요청 {sent}개 중 {ok}개 성공)",
        en: "{percent}% of traffic kept ({ok} of {sent} requests answered)",
    }
    NextLesson { ko: "다음 레슨: {title}", en: "Next lesson: {title}" }
    CourseDone {
        ko: "마지막 레슨이에요. 자유 샌드박스에서 마음껏 실험해 보세요.",
        en: "That was the last lesson. Experiment freely in the sandbox.",
    }
    BackToSandbox { ko: "자유 샌드박스로", en: "To the free sandbox" }
    LessonError { ko: "레슨을 준비하다 문제가 생겼어요: {error}", en: "The lesson hit a problem: {error}" }
    RefusedLabel { ko: "이 레슨에서는 쓸 수 없어요", en: "Not available in this lesson" }
    TimeScaleBadge { ko: "시간 ×{n}", en: "×{n} time" }
    TimeScaleTitle {
        ko: "이 레슨은 시간을 {n}배로 압축해요: 실제 1초에 시뮬레이션 {n}초",
        en: "This lesson compresses time {n}×: {n} simulated seconds per real second",
    }

    // Share links
    Share { ko: "공유", en: "Share" }
    ShareTitle {
        ko: "이 세션(레슨, 시드, 입력한 명령)을 링크로 공유해요",
        en: "Share this session (lesson, seed, commands typed) as a link",
    }
    ShareLinkLabel { ko: "공유 링크", en: "Share link" }
    ShareNote {
        ko: "링크를 열면 같은 명령을 다시 실행해 같은 상태(같은 트레이스 해시)에 도착해요.",
        en: "Opening the link replays the same commands and lands on the same state (the same trace hash).",
    }
    Copy { ko: "복사", en: "Copy" }
    Copied { ko: "복사했어요", en: "Copied" }
    CopyFailed {
        ko: "복사할 수 없어요. 링크를 선택해 두었으니 직접 복사하세요.",
        en: "Could not copy: the link is selected, copy it yourself.",
    }
    ShareOpenFailed {
        ko: "이 공유 링크를 열 수 없어요: {error}",
        en: "This share link could not be opened: {error}",
    }
    ShareOpened {
        ko: "공유 링크를 열었어요: 명령 {n}개를 다시 실행했어요.",
        en: "Share link opened: {n} command(s) replayed.",
    }
    ShareUnknownLesson {
        ko: "“{id}” 레슨이 이 코스에 없어요",
        en: "the course has no lesson “{id}”",
    }
    ShareErrVersion {
        ko: "지원하지 않는 형식이에요 (#s1.으로 시작해야 해요)",
        en: "unsupported format (it should start with #s1.)",
    }
    ShareErrTooLong {
        ko: "{bytes}바이트로, 한도 {limit}바이트보다 길어요",
        en: "{bytes} bytes is longer than the limit of {limit}",
    }
    ShareErrBase64 {
        ko: "링크가 손상됐어요 ({at}번째 글자가 base64url이 아니에요)",
        en: "the link is damaged (not base64url at character {at})",
    }
    ShareErrInflate {
        ko: "링크가 손상됐어요 (압축을 풀 수 없거나 풀면 1 MiB보다 커요)",
        en: "the link is damaged (cannot be decompressed, or larger than 1 MiB decompressed)",
    }
    ShareErrJson { ko: "링크가 손상됐어요 ({why})", en: "the link is damaged ({why})" }
    ShareErrTooMany {
        ko: "명령이 {count}개로, 한도 {limit}개보다 많아요",
        en: "{count} commands is more than the limit of {limit}",
    }
    Dismiss { ko: "알림 닫기", en: "Dismiss" }
    // The teacher's side: builder, import/export, presenter extras
    BuildLesson { ko: "레슨 만들기", en: "Build a lesson" }
    BuildLessonTitle {
        ko: "자유 샌드박스에서 명령을 기록해 새 레슨을 만들어요",
        en: "Record commands in the free sandbox and turn them into a lesson",
    }
    Transfer { ko: "가져오기·내보내기", en: "Import / export" }
    TransferTitle {
        ko: "레슨 파일이나 세션 파일을 가져오거나 내보내요",
        en: "Import or export a lesson file or a session file",
    }
    PresenterTerminal { ko: "터미널 보이기", en: "Show terminal" }
    PresenterTerminalTitle {
        ko: "발표 모드에서 터미널을 보이거나 숨겨요",
        en: "Show or hide the terminal in presenter mode",
    }
    ImportLesson { ko: "레슨 파일 가져오기…", en: "Import lesson file…" }
    ExportSession { ko: "세션 내보내기…", en: "Export session…" }
    ImportSession { ko: "세션 가져오기…", en: "Import session…" }
    TransferNote {
        ko: "가져온 레슨은 지금 바로 열리지만 코스에 저장되지는 않아요. 세션 파일에는 공유 링크와 같은 내용(레슨, 시드, 입력한 명령)이 JSON으로 들어 있어요.",
        en: "An imported lesson opens now but is not added to the course. A session file holds what a share link holds (lesson, seed, the commands typed), as JSON.",
    }
    ImportLessonProblems {
        ko: "“{file}” 파일에 문제가 {n}개 있어서 열지 않았어요:",
        en: "“{file}” was not opened: {n} problem(s):",
    }
    ImportTooLarge {
        ko: "“{file}” 파일이 {bytes}바이트로, 한도 {limit}바이트보다 커요",
        en: "“{file}” is {bytes} bytes, more than the limit of {limit}",
    }
    ImportUnreadable {
        ko: "“{file}” 파일을 텍스트로 읽을 수 없어요",
        en: "“{file}” could not be read as text",
    }
    ImportLessonOpened {
        ko: "레슨을 열었어요: {title} (“{file}”, 코스에는 저장되지 않아요)",
        en: "Lesson opened: {title} (from “{file}”, not added to the course)",
    }
    SessionFileErrJson {
        ko: "세션 파일 형식이 아니에요 ({why})",
        en: "not a session file ({why})",
    }
    SessionImportFailed {
        ko: "세션 파일을 열 수 없어요 (“{file}”): {error}",
        en: "Could not open the session “{file}”: {error}",
    }
    SessionImported {
        ko: "세션 파일을 열었어요: 명령 {n}개를 다시 실행했어요.",
        en: "Session file opened: {n} command(s) replayed.",
    }
    ProblemLocation { ko: "{line}번째 줄 {column}번째 칸", en: "line {line}, column {column}" }
    WholeFile { ko: "파일 전체", en: "whole file" }
    BuilderTitle { ko: "레슨 만들기", en: "Build a lesson" }
    BuilderIntro {
        ko: "자유 샌드박스에서 명령을 입력하면서 레슨을 만들어요. 학생이 이어받을 지점에서 ‘여기서 시작 표시’를 누르면, 그 전까지 입력한 명령은 준비(setup)가 되고 그 뒤에 입력하는 명령은 모범 답안(solution)이 돼요.",
        en: "Build a lesson by typing commands in the free sandbox. Press “Mark start here” where the student takes over: the commands before it become the setup, and the ones you type after it become the solution.",
    }
    BuilderStepRecord { ko: "1. 준비와 답안 기록하기", en: "1. Record the setup and the solution" }
    MarkStart { ko: "여기서 시작 표시", en: "Mark start here" }
    MarkAgain { ko: "여기서 다시 시작 표시", en: "Mark start here again" }
    MarkStatus {
        ko: "준비 명령 {setup}개 · 답안 명령 {solution}개",
        en: "{setup} setup command(s) · {solution} solution command(s)",
    }
    NotMarked {
        ko: "아직 시작 지점을 표시하지 않았어요. 지금까지 입력한 명령은 {n}개예요.",
        en: "No start marked yet. {n} command(s) typed so far.",
    }
    MarkLost {
        ko: "표시한 뒤로 앞쪽 기록이 바뀌었어요(reset이나 한 단계 뒤로 등). 시작 지점을 다시 표시해 주세요.",
        en: "The commands before the mark changed since (a reset, or typing in the past): mark the start again.",
    }
    SetupLabel { ko: "준비 (setup)", en: "Setup" }
    SolutionLabel { ko: "답안 (solution)", en: "Solution" }
    BuilderStepGoals { ko: "2. 목표 고르기", en: "2. Pick the goals" }
    SuggestGoals { ko: "목표 제안받기", en: "Suggest goals" }
    SuggestFirst {
        ko: "목표를 제안받으려면 먼저 시작 지점을 표시해 주세요.",
        en: "Mark the start first to get suggestions.",
    }
    NoSuggestions {
        ko: "시작 지점 뒤로 새로 이룬 것이 없어요. 명령을 더 입력한 다음 다시 눌러 보세요.",
        en: "Nothing new holds since the mark: type more commands, then ask again.",
    }
    PickGoal { ko: "이 목표 넣기", en: "Include this goal" }
    GoalTextKo { ko: "목표 문구 (한국어)", en: "Goal text (Korean)" }
    GoalTextEn { ko: "목표 문구 (영어)", en: "Goal text (English)" }
    BuilderStepText { ko: "3. 글 쓰기", en: "3. Write the text" }
    FieldId { ko: "아이디 (id)", en: "Id" }
    FieldIdHint {
        ko: "영문 소문자, 숫자, ‘-’만 써요 (예: my-first-lesson)",
        en: "lowercase letters, digits and ‘-’ (my-first-lesson)",
    }
    FieldTitle { ko: "제목", en: "Title" }
    FieldSummary { ko: "요약", en: "Summary" }
    FieldLearned { ko: "배운 점 (다 끝내면 보여요)", en: "What was learned (shown on finishing)" }
    FieldHints { ko: "힌트", en: "Hints" }
    FieldAllowed {
        ko: "쓸 수 있는 명령 (쉼표로 구분, 비워 두면 모두 허용)",
        en: "Allowed commands (comma-separated; empty allows every command)",
    }
    InKorean { ko: "한국어", en: "Korean" }
    InEnglish { ko: "영어", en: "English" }
    HintNumber { ko: "힌트 {n}", en: "Hint {n}" }
    AddHint { ko: "힌트 추가", en: "Add a hint" }
    RemoveHint { ko: "힌트 {n} 지우기", en: "Remove hint {n}" }
    BuilderStepCheck { ko: "4. 테스트하고 내보내기", en: "4. Test and export" }
    TestLesson { ko: "테스트", en: "Test" }
    ExportLesson { ko: "내보내기 (.yaml)", en: "Export (.yaml)" }
    TryLesson { ko: "직접 해 보기", en: "Try it" }
    TestProblems { ko: "고칠 곳이 {n}개 있어요:", en: "{n} problem(s) to fix:" }
    TestPassed {
        ko: "통과했어요. 답안이 모든 목표를 채우고, 실패한 명령도 없어요.",
        en: "Passed: the solution meets every goal and no command failed.",
    }
    TestNotPassed { ko: "아직 통과하지 못했어요:", en: "Not passed yet:" }
    TestGoalMet { ko: "채움", en: "met" }
    TestGoalNotMet { ko: "못 채움", en: "not met" }
    TestAlreadyMet {
        ko: "학생이 시작하기 전에 이미 모든 목표가 채워져 있어요. 시작 지점을 더 앞에 표시해 보세요.",
        en: "Every goal is already met before the student starts: mark the start earlier.",
    }
    TestFailedCommand { ko: "실패한 명령: {command} — {error}", en: "Failed command: {command} — {error}" }
    TestRunError { ko: "레슨을 시작할 수 없어요: {error}", en: "The lesson cannot start: {error}" }
    BackToBuilder { ko: "레슨 만들기로 돌아가기", en: "Back to the builder" }
    TryingNote {
        ko: "레슨 만들기에서 시험해 보는 중이에요. 기록해 둔 샌드박스는 그대로 남아 있어요.",
        en: "Trying a lesson from the builder: the recorded sandbox is kept.",
    }
    ScClickerStep {
        ko: "발표 모드: 한 단계 앞으로 / 뒤로 (발표용 리모컨)",
        en: "Presenter mode: step forward / back (presentation clicker)",
    }
    ScClickerPage {
        ko: "발표 모드에서 소개가 보일 때: 다음 / 이전 쪽",
        en: "Presenter mode with the intro showing: next / previous page",
    }
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
