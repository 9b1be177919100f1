//! A small fluent helper: write files into a temporary directory, run `perfeval` there,
//! and look at the whole stdout, stderr and exit status.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use perfeval::facts::Facts;
use perfeval::plan::Plan;
use perfeval::rubric::{self, Rubric};
use perfeval::score::{self, Options, Report};

/// The shipped seed example, as text.
pub fn example_text() -> String {
    std::fs::read_to_string(repo().join("examples/luohu-2023.toml")).unwrap()
}

pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The seed example with each `(from, to)` replacement applied; each `from` must occur
/// exactly once, so an edit never silently misses.
pub fn edited_example(edits: &[(&str, &str)]) -> String {
    edited(example_text(), edits)
}

/// `text` with each `(from, to)` replacement applied; each `from` must occur exactly once.
pub fn edited(mut text: String, edits: &[(&str, &str)]) -> String {
    for (from, to) in edits {
        assert_eq!(text.matches(from).count(), 1, "`{from}` must occur once");
        text = text.replacen(from, to, 1);
    }
    text
}

/// Every indicator node of a JSON score report, in tree order (parents first).
pub fn indicator_nodes(json: &serde_json::Value) -> Vec<serde_json::Value> {
    let mut out = Vec::new();
    let mut stack: Vec<&serde_json::Value> = json["indicators"]
        .as_array()
        .unwrap()
        .iter()
        .rev()
        .collect();
    while let Some(n) = stack.pop() {
        out.push(n.clone());
        if let Some(children) = n["children"].as_array() {
            stack.extend(children.iter().rev());
        }
    }
    out
}

pub struct Run {
    pub stdout: String,
    pub stderr: String,
    pub code: Option<i32>,
}

impl Run {
    fn from(out: Output) -> Run {
        Run {
            stdout: String::from_utf8(out.stdout).expect("stdout is UTF-8"),
            stderr: String::from_utf8(out.stderr).expect("stderr is UTF-8"),
            code: out.status.code(),
        }
    }
}

/// A temporary working directory holding the files a test writes.
pub struct Sandbox {
    dir: tempfile::TempDir,
}

impl Sandbox {
    pub fn new() -> Sandbox {
        Sandbox {
            dir: tempfile::tempdir().unwrap(),
        }
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    pub fn write(&self, name: &str, contents: impl AsRef<[u8]>) -> &Self {
        std::fs::write(self.dir.path().join(name), contents).unwrap();
        self
    }

    pub fn command(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_perfeval"));
        // English, the language the tests were written in; tests of the Chinese
        // default remove it.
        cmd.env("PERFEVAL_LANG", "en")
            .args(args)
            .current_dir(self.dir.path())
            .env_remove("COLUMNS")
            .env("NO_COLOR", "1")
            .stdin(Stdio::null());
        cmd
    }

    /// The command as a user runs it: no PERFEVAL_LANG, so in Chinese, the default.
    pub fn command_zh(&self, args: &[&str]) -> Command {
        let mut cmd = self.command(args);
        cmd.env_remove("PERFEVAL_LANG");
        cmd
    }

    /// The same command as a user runs it (Chinese) and with `--lang en`.
    pub fn run_both(&self, args: &[&str]) -> (Run, Run) {
        let mut en = vec!["--lang", "en"];
        en.extend_from_slice(args);
        (self.run_zh(args), self.run_zh(&en))
    }

    /// Runs perfeval in its default language, Chinese.
    pub fn run_zh(&self, args: &[&str]) -> Run {
        Run::from(self.command_zh(args).output().unwrap())
    }

    pub fn run(&self, args: &[&str]) -> Run {
        Run::from(self.command(args).output().unwrap())
    }

    /// The JSON a run prints (`--format json` among `args`), whatever its exit status
    /// (`check` exits 1 with findings); a run that prints no JSON fails with its stderr.
    pub fn json(&self, args: &[&str]) -> serde_json::Value {
        let run = self.run(args);
        serde_json::from_str(&run.stdout)
            .unwrap_or_else(|e| panic!("{args:?}: {e}\n{}\n{}", run.stdout, run.stderr))
    }

    /// [`Sandbox::json`] of a run that must succeed (exit status 0).
    pub fn json_ok(&self, args: &[&str]) -> serde_json::Value {
        let run = self.run(args);
        assert_eq!(run.code, Some(0), "{args:?}: {}", run.stderr);
        serde_json::from_str(&run.stdout)
            .unwrap_or_else(|e| panic!("{args:?}: {e}\n{}", run.stdout))
    }
}

/// The shipped seed rubric, loaded once for all tests.
pub fn seed_rubric() -> &'static Rubric {
    static RUBRIC: std::sync::OnceLock<Rubric> = std::sync::OnceLock::new();
    RUBRIC.get_or_init(|| {
        rubric::shipped::find("luohu-dept-overall-2023")
            .expect("the shipped rubrics load")
            .expect("the seed rubric is shipped")
    })
}

/// Loads facts text with the shipped seed rubric, through the library.
pub fn load_text(text: &str) -> Result<(&'static Rubric, Facts), String> {
    let source = perfeval::diagnostic::SourceFile::new("facts.toml", text);
    let rubric = seed_rubric();
    let facts = Facts::load(&source, rubric).map_err(|d| d.to_string())?;
    Ok((rubric, facts))
}

/// The score of one indicator (by id) after the edits, or the scoring error.
pub fn indicator_score(edits: &[(&str, &str)], id: &str) -> Result<String, String> {
    let (rubric, facts) = load_text(&edited_example(edits))?;
    let plan = Plan::of(rubric);
    let report: Report<'_> = score::evaluate(
        &plan,
        &facts,
        Options {
            strict: true,
            ..Options::default()
        },
    )
    .map_err(|e| e.to_string())?;
    let i = rubric.find_indicator(id).expect("indicator exists");
    Ok(report.scores[i].to_string())
}

/// The 得分 column of the seed report's 附件一 as published
/// (`tests/fixtures/seed-appendix1.toml`): `total`, `grade` and `[scores]` by name.
pub fn published_appendix() -> toml::Table {
    let text = std::fs::read_to_string(repo().join("tests/fixtures/seed-appendix1.toml")).unwrap();
    toml::from_str(&text).unwrap()
}

/// The total `perfeval score` gives an unedited shipped example: what a test that
/// changes nothing that matters compares with, instead of a number written in the test.
pub fn example_total(name: &str) -> serde_json::Value {
    example_json(name)["total"].clone()
}

/// `perfeval score --format json` of an unedited shipped example.
pub fn example_json(name: &str) -> serde_json::Value {
    let out = Command::new(env!("CARGO_BIN_EXE_perfeval"))
        .env("PERFEVAL_LANG", "en")
        .args(["score", "--format", "json"])
        .arg(repo().join("examples").join(name))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

/// Whether `program args…` runs. When it does not, the test is skipped, or fails under
/// `CI=true`, where `.ci/run` has installed `package`.
pub fn have(program: &str, args: &[&str], package: &str) -> bool {
    let ok = Command::new(program)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        assert_ne!(
            std::env::var("CI").as_deref(),
            Ok("true"),
            "`{program}` is missing: .ci/run installs {package}"
        );
        eprintln!("skipped: `{program}` is missing ({package}; run .ci/run once)");
    }
    ok
}

/// A file `.ci/run` puts in `target/ci-tools/` (a schema, a checker's jar). When it is not
/// there, the test is skipped, or fails under `CI=true`.
pub fn ci_tool(name: &str) -> Option<PathBuf> {
    let path = repo().join("target/ci-tools").join(name);
    if path.exists() {
        return Some(path);
    }
    assert_ne!(
        std::env::var("CI").as_deref(),
        Ok("true"),
        "{} is missing: .ci/run fetches it",
        path.display()
    );
    eprintln!("skipped: {} is missing (run .ci/run once)", path.display());
    None
}

pub fn libreoffice() -> bool {
    have(
        "soffice",
        &["--version"],
        "the Debian package libreoffice-calc-nogui",
    )
}

pub fn openpyxl() -> bool {
    have(
        "python3",
        &["-c", "import openpyxl"],
        "Python's openpyxl (pip install openpyxl)",
    )
}

/// Runs headless LibreOffice's `--convert-to` on `file` in the sandbox, into `outdir`, with
/// a profile of the sandbox's own so that tests running at once do not share one.
pub fn soffice(sb: &Sandbox, convert_to: &str, file: &str, outdir: &Path) {
    let profile = sb.path().join("libreoffice-profile");
    let out = Command::new("soffice")
        .arg(format!(
            "-env:UserInstallation=file://{}",
            profile.display()
        ))
        .args(["--headless", "--convert-to", convert_to, "--outdir"])
        .arg(outdir)
        .arg(sb.path().join(file))
        .stdin(Stdio::null())
        .output()
        .expect("soffice runs");
    assert!(
        out.status.success(),
        "soffice --convert-to {convert_to} {file}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Three English words in a row: a sentence left untranslated in a Chinese message.
pub fn english_sentence(text: &str) -> Option<String> {
    let words: Vec<&str> = text.split_whitespace().collect();
    words
        .windows(3)
        .find(|w| {
            w.iter().all(|word| {
                let letters = word.trim_matches(|c: char| !c.is_ascii_alphabetic());
                letters.len() >= 2 && letters.chars().all(|c| c.is_ascii_alphabetic())
            })
        })
        .map(|w| w.join(" "))
}

/// Every `.rs` file under `src/`, with its path relative to the repository.
pub fn rust_sources() -> Vec<(String, String)> {
    let root = repo();
    let mut out = Vec::new();
    let mut stack = vec![root.join("src")];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let rel = path
                    .strip_prefix(&root)
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/");
                out.push((rel, std::fs::read_to_string(&path).unwrap()));
            }
        }
    }
    out.sort();
    assert!(
        out.len() > 50,
        "the sources are under src/: {}",
        root.display()
    );
    out
}

/// Runs a Python script in the sandbox and returns what it printed; a failing script
/// fails the test with Python's message.
pub fn python(sb: &Sandbox, script: &str) -> String {
    let out = Command::new("python3")
        .arg("-c")
        .arg(script)
        .current_dir(sb.path())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "python failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// The seed example with no fixed assets, so that 固定资产利用率's rule divides by zero,
/// and an override that scores it anyway.
pub fn override_over_a_failed_rule() -> String {
    edited_example(&[
        ("total = 505.8\nin_use = 505.8", "total = 0\nin_use = 0"),
        (
            "[overrides]\n",
            "[overrides]\n\"固定资产利用率\" = { score = 1, reason = \"本年度无固定资产，按满分计\" }\n",
        ),
    ])
}

/// In `copy/`: the seed rubric with the 90% boundary of 固定资产利用率 moved to 91%, and
/// in `copy/tests/` the seed rubric's own tests, reading the shipped example.
pub fn broken_rubric_copy(sb: &Sandbox) {
    std::fs::create_dir_all(sb.path().join("copy/tests")).unwrap();
    let rubric =
        std::fs::read_to_string(repo().join("rubrics/luohu-dept-overall-2023.toml")).unwrap();
    let broken = edited(
        rubric,
        &[(
            "  { at_least = \"90%\", points = 1 },\n  { at_least = \"75%\", below = \"90%\", points = 0.7 },",
            "  { at_least = \"91%\", points = 1 },\n  { at_least = \"75%\", below = \"91%\", points = 0.7 },",
        )],
    );
    sb.write("copy/luohu-dept-overall-2023.toml", broken);
    let tests =
        std::fs::read_to_string(repo().join("rubrics/tests/luohu-dept-overall-2023.test.toml"))
            .unwrap()
            .replace(
                "../../examples/luohu-2023.toml",
                &repo()
                    .join("examples/luohu-2023.toml")
                    .display()
                    .to_string(),
            );
    sb.write("copy/tests/seed.test.toml", tests);
}

/// The score an indicator's rule alone gives (before an override), by name, from the
/// engine's `score --format json`.
pub fn rule_score(json: &serde_json::Value, name: &str) -> String {
    indicator_nodes(json)
        .into_iter()
        .find(|n| n["name"] == name)
        .unwrap_or_else(|| panic!("no indicator {name}"))["leaf"]["rule_score"]
        .as_str()
        .unwrap_or_else(|| panic!("{name} has no rule score"))
        .to_string()
}
