//! The second hardening round: each finding of the adversarial review, with an input that
//! reproduces it (generated here where it is large).

use crate::support::{Sandbox, example_text, repo};

fn seed_rubric_text() -> String {
    std::fs::read_to_string(repo().join("rubrics/luohu-dept-overall-2023.toml")).unwrap()
}

/// The seed rubric with a chain of `links` named values, each reading the one before,
/// and the last one read by 项目完成及时性's score.
fn let_chain_rubric(links: usize) -> String {
    let text = seed_rubric_text();
    let at = text.find("id = \"project_timeliness\"").unwrap();
    let part = at + text[at..].find("[[indicator.part]]").unwrap();
    let mut chain = String::new();
    for k in 0..links {
        let expr = if k == 0 {
            "projects.planned".to_string()
        } else {
            format!("c{} + 0", k - 1)
        };
        chain.push_str(&format!(
            "[[indicator.let]]\nname = \"c{k}\"\nexpr = \"{expr}\"\n\n"
        ));
    }
    let text = format!("{}{chain}{}", &text[..part], &text[part..]);
    let old = "score = \"if projects.planned == 0 then 6 else share * 6\"";
    assert_eq!(text.matches(old).count(), 1);
    text.replacen(
        old,
        &format!(
            "score = \"if projects.planned == 0 then 6 else share * 6 + 0 * c{}\"",
            links - 1
        ),
        1,
    )
}

#[test]
fn a_long_chain_of_named_values_is_refused_at_load_not_a_stack_overflow() {
    let sb = Sandbox::new();
    sb.write("facts.toml", example_text());
    for links in [3_000, 20_000] {
        sb.write("chain.toml", let_chain_rubric(links));
        for args in [
            vec!["score", "facts.toml", "--rubric", "chain.toml"],
            vec!["rubric", "check", "chain.toml"],
        ] {
            let run = sb.run(&args);
            assert_eq!(run.code, Some(2), "{links} {args:?}: {}", run.stderr);
            assert!(
                run.stderr.contains(
                    "the value `c128` is computed through a chain of values 257 levels deep; at most 256 are accepted"
                ),
                "{}",
                run.stderr
            );
            assert_eq!(run.stderr.matches("error:").count(), 1, "{}", run.stderr);
        }
    }
    // In batch (small thread stacks) through a rubric directory: every row an error, no
    // abort.
    std::fs::create_dir(sb.path().join("rubrics")).unwrap();
    std::fs::write(
        sb.path().join("rubrics/chain.toml"),
        let_chain_rubric(3_000),
    )
    .unwrap();
    let run = sb.run(&[
        "batch",
        "facts.toml",
        "--rubrics",
        "rubrics",
        "--format",
        "jsonl",
    ]);
    assert_ne!(run.code, Some(134), "aborted: {}", run.stderr);
    assert!(
        run.stderr.contains("c128") || run.stdout.contains("c128"),
        "{}{}",
        run.stdout,
        run.stderr
    );
    // A chain within the limit scores.
    sb.write("short.toml", let_chain_rubric(100));
    let run = sb.run(&["score", "facts.toml", "--rubric", "short.toml"]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
}

#[test]
fn a_rubric_far_over_the_indicator_limit_is_refused_by_its_count() {
    // 40,000 indicators (3 MB, under the 4 MiB input limit): the count is checked before
    // any per-indicator work, which used to grow with the square of the count.
    let mut text = seed_rubric_text();
    for k in 0..40_000 {
        text.push_str(&format!(
            "\n[[indicator]]\nid = \"x{k}\"\nparent = \"decision\"\nname = \"x{k}\"\npoints = 1\n"
        ));
    }
    let sb = Sandbox::new();
    sb.write("big.toml", text);
    let run = sb.run(&["rubric", "check", "big.toml"]);
    assert_eq!(run.code, Some(2));
    assert!(
        run.stderr
            .contains("the rubric has 40035 indicators; at most 2000 are accepted"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_flood_of_diagnostics_is_cut_at_fifty_with_the_count_of_the_rest() {
    // 20,000 facts without labels: 40,000 problems, of which 50 are shown.
    let mut text = seed_rubric_text();
    let at = text.find("[facts.budget]").unwrap();
    let mut facts = String::from("[facts.generated]\nlabel = \"生成\"\n");
    for k in 0..20_000 {
        facts.push_str(&format!("f{k} = {{ type = \"amount\" }}\n"));
    }
    facts.push('\n');
    text.insert_str(at, &facts);
    let sb = Sandbox::new();
    sb.write("flood.toml", text);
    let run = sb.run(&["rubric", "check", "flood.toml"]);
    assert_eq!(run.code, Some(2));
    assert_eq!(
        run.stderr.matches("\nerror: ").count() + 1,
        50,
        "{}",
        &run.stderr[..2000]
    );
    assert!(
        run.stderr
            .contains("… and 39950 more problem(s) not shown (39950 error(s), 0 warning(s))"),
        "{}",
        &run.stderr[run.stderr.len() - 500..]
    );
    assert!(run.stderr.len() < 100_000, "{} bytes", run.stderr.len());
}

mod outputs {
    use std::os::unix::fs::{FileTypeExt, PermissionsExt};
    use std::process::{Command, Stdio};
    use std::time::{Duration, Instant};

    use crate::batch::archive;
    use crate::support::Sandbox;

    fn file_type(path: &std::path::Path) -> std::fs::FileType {
        std::fs::symlink_metadata(path).unwrap().file_type()
    }

    #[test]
    fn a_fifo_output_is_written_into_not_replaced() {
        let sb = Sandbox::new();
        archive(&sb, 3);
        let fifo = sb.path().join("pipe.csv");
        assert!(
            Command::new("mkfifo")
                .arg(&fifo)
                .status()
                .unwrap()
                .success()
        );
        let reader = {
            let fifo = fifo.clone();
            std::thread::spawn(move || std::fs::read_to_string(fifo).unwrap())
        };
        let run = sb.run(&["batch", "archive", "-o", "pipe.csv"]);
        assert_eq!(run.code, Some(0), "{}", run.stderr);
        let rows = reader.join().unwrap();
        assert_eq!(rows.lines().count(), 4, "{rows}");
        assert!(file_type(&fifo).is_fifo(), "the FIFO is still a FIFO");
    }

    #[test]
    fn a_character_device_output_is_written_into_not_replaced() {
        // A node like /dev/null, made in a temporary directory (never the real one).
        let sb = Sandbox::new();
        archive(&sb, 3);
        let node = sb.path().join("null");
        let made = Command::new("mknod")
            .args([node.to_str().unwrap(), "c", "1", "3"])
            .stderr(Stdio::null())
            .status()
            .unwrap()
            .success();
        if !made {
            // mknod needs root; CI runs as root, so there this branch never runs.
            assert_ne!(
                std::env::var("CI").as_deref(),
                Ok("true"),
                "mknod failed under CI"
            );
            return;
        }
        let run = sb.run(&["batch", "archive", "-o", "null"]);
        assert_eq!(run.code, Some(0), "{}", run.stderr);
        assert!(
            file_type(&node).is_char_device(),
            "the device node is still a device"
        );
        // /dev/stdout works too.
        let run = sb.run(&["batch", "archive", "-o", "/dev/stdout", "--format", "jsonl"]);
        assert_eq!(run.code, Some(0), "{}", run.stderr);
        assert_eq!(run.stdout.lines().count(), 3, "{}", run.stdout);
    }

    #[test]
    fn a_socket_output_is_refused() {
        let sb = Sandbox::new();
        archive(&sb, 1);
        let path = sb.path().join("sock");
        let _listener = std::os::unix::net::UnixListener::bind(&path).unwrap();
        let run = sb.run(&["batch", "archive", "-o", "sock"]);
        assert_eq!(run.code, Some(2));
        assert!(
            run.stderr.contains("it is a socket, not a file"),
            "{}",
            run.stderr
        );
        assert!(file_type(&path).is_socket());
    }

    fn temporaries(sb: &Sandbox) -> Vec<String> {
        std::fs::read_dir(sb.path())
            .unwrap()
            .filter_map(Result::ok)
            .map(|e| e.file_name().to_string_lossy().to_string())
            .filter(|n| n.starts_with(".perfeval-"))
            .collect()
    }

    /// Starts a long batch into out.csv and waits until its temporary file exists.
    fn started(sb: &Sandbox) -> std::process::Child {
        let child = sb
            .command(&["batch", "archive", "-o", "out.csv", "--jobs", "1"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let deadline = Instant::now() + Duration::from_secs(20);
        while temporaries(sb).is_empty() {
            assert!(Instant::now() < deadline, "no temporary file appeared");
            std::thread::sleep(Duration::from_millis(2));
        }
        child
    }

    #[test]
    fn an_interrupted_batch_removes_its_temporary_file() {
        let sb = Sandbox::new();
        archive(&sb, 3000);
        sb.write("out.csv", "previous results\n");
        for signal in ["INT", "TERM", "HUP"] {
            let mut child = started(&sb);
            let pid = child.id().to_string();
            assert!(
                Command::new("kill")
                    .args(["-s", signal, &pid])
                    .status()
                    .unwrap()
                    .success()
            );
            let status = child.wait().unwrap();
            if status.code() == Some(0) {
                // Finished before the signal arrived: the output is whole.
                continue;
            }
            assert_eq!(status.code(), Some(130), "{signal}");
            assert_eq!(temporaries(&sb), Vec::<String>::new(), "{signal}");
            assert_eq!(
                std::fs::read_to_string(sb.path().join("out.csv")).unwrap(),
                "previous results\n",
                "{signal}"
            );
        }
        // SIGKILL cannot be caught: the next run names what was left.
        let mut child = started(&sb);
        child.kill().unwrap();
        child.wait().unwrap();
        let left = temporaries(&sb);
        if left.is_empty() {
            return; // it had just finished
        }
        sb.write("small.toml", crate::support::example_text());
        let run = sb.run(&["batch", "small.toml", "-o", "out.csv"]);
        assert_eq!(run.code, Some(0), "{}", run.stderr);
        assert!(
            run.stderr.contains(&format!(
                "`./{}` was left by an interrupted perfeval run",
                left[0]
            )),
            "{}",
            run.stderr
        );
    }

    fn mode_under_umask(umask: &str, args: &str) -> u32 {
        let sb = Sandbox::new();
        archive(&sb, 1);
        let bin = env!("CARGO_BIN_EXE_perfeval");
        let status = Command::new("sh")
            .env("PERFEVAL_LANG", "en")
            .arg("-c")
            .arg(format!("umask {umask} && '{bin}' {args}"))
            .current_dir(sb.path())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .unwrap();
        assert!(status.success(), "{args}");
        std::fs::metadata(sb.path().join("new.out"))
            .unwrap()
            .permissions()
            .mode()
            & 0o777
    }

    #[test]
    fn new_output_files_follow_the_umask() {
        for (umask, want) in [("077", 0o600), ("022", 0o644), ("002", 0o664)] {
            assert_eq!(
                mode_under_umask(umask, "batch archive -o new.out"),
                want,
                "batch, umask {umask}"
            );
            assert_eq!(
                mode_under_umask(umask, "init --rubric luohu-dept-overall-2023 -o new.out"),
                want,
                "init, umask {umask}"
            );
        }
    }
}

#[test]
fn a_stray_file_in_the_rubrics_directory_is_reported_and_the_run_goes_on() {
    let sb = Sandbox::new();
    std::fs::create_dir(sb.path().join("rubrics")).unwrap();
    sb.write("rubrics/notes.toml", "title = \"not a rubric\"\n");
    sb.write(
        "rubrics/variant.toml",
        "[rubric]\nid = \"lenient\"\nextends = \"luohu-dept-overall-2023\"\nversion = \"1\"\ntitle = \"变体\"\n",
    );
    sb.write("facts.toml", example_text());
    sb.write(
        "variant-facts.toml",
        example_text().replace(
            "rubric = \"luohu-dept-overall-2023\"",
            "rubric = \"lenient\"",
        ),
    );
    let run = sb.run(&[
        "batch",
        "facts.toml",
        "variant-facts.toml",
        "--rubrics",
        "rubrics",
        "--format",
        "jsonl",
    ]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(
        run.stderr
            .contains("warning: `rubrics/notes.toml` in the rubrics directory is not used"),
        "{}",
        run.stderr
    );
    let totals: Vec<&str> = run
        .stdout
        .lines()
        .filter(|l| l.contains("\"total\":\"97.11\""))
        .collect();
    assert_eq!(totals.len(), 2, "{}", run.stdout);
}

mod terminal {
    use std::os::unix::ffi::OsStrExt;
    use std::process::{Command, Stdio};

    use crate::support::{Sandbox, edited_example};

    /// Control characters and a bidi override in a reason, an override and a file name.
    const NASTY: &str = "\u{1b}[2J\u{1b}]0;pwned\u{7}\r总分 100\u{8}\u{202e}";

    #[test]
    fn control_characters_never_reach_the_terminal() {
        let sb = Sandbox::new();
        let reason = NASTY
            .replace('\u{1b}', "\\u001b")
            .replace('\u{7}', "\\u0007")
            .replace('\r', "\\r")
            .replace('\u{8}', "\\b")
            .replace('\u{202e}', "\\u202e");
        let text = edited_example(&[(
            "score = 1, reason = \"",
            &format!("score = 1, reason = \"{reason}"),
        )]);
        sb.write("facts.toml", &text);
        for args in [
            vec!["score", "facts.toml"],
            vec!["explain", "facts.toml", "编外人员控制率"],
            vec!["check", "facts.toml"],
        ] {
            let run = sb.run(&args);
            for out in [&run.stdout, &run.stderr] {
                assert!(
                    !out.chars()
                        .any(|c| (c.is_control() && c != '\n') || c == '\u{202e}'),
                    "{args:?}: {out:?}"
                );
            }
            assert!(
                run.stdout.contains("\\u{1b}[2J\\u{1b}]0;pwned\\u{7}")
                    && run.stdout.contains("总分 100\\u{8}\\u{202e}"),
                "{args:?}: {}",
                run.stdout
            );
        }
        // JSON keeps the text exact, escaped by the serializer.
        let run = sb.run(&["score", "facts.toml", "--format", "json"]);
        let json: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
        assert!(
            json.to_string().contains(
                &NASTY
                    .replace('\u{1b}', "\\u001b")
                    .replace('\u{7}', "\\u0007")
                    .replace('\r', "\\r")
                    .replace('\u{8}', "\\b")
            )
        );
        // A department name is one line.
        sb.write(
            "dept.toml",
            edited_example(&[(
                "department = \"深圳市罗湖区政务服务数据管理局（本级）\"",
                "department = \"某局\\n总分 100 / 100，等级：优\"",
            )]),
        );
        let run = sb.run(&["score", "dept.toml"]);
        assert_eq!(run.code, Some(2));
        assert!(
            run.stderr.contains("`department` must be one line"),
            "{}",
            run.stderr
        );
    }

    #[test]
    fn csv_cells_drop_control_characters() {
        let sb = Sandbox::new();
        sb.write(
            "facts.toml",
            edited_example(&[(
                "department = \"深圳市罗湖区政务服务数据管理局（本级）\"",
                "department = \"某局\\u202e\\u200f\"",
            )]),
        );
        let run = sb.run(&["batch", "facts.toml", "--format", "csv"]);
        assert!(run.stdout.contains(",某局,"), "{}", run.stdout);
        assert!(!run.stdout.contains('\u{202e}'));
    }

    #[test]
    fn file_names_that_are_not_utf8_stay_distinguishable() {
        let sb = Sandbox::new();
        let text = crate::support::example_text();
        for byte in [0xffu8, 0xfe] {
            let bytes = [b'x', byte, b'.', b't', b'o', b'm', b'l'];
            let name = std::ffi::OsStr::from_bytes(&bytes);
            std::fs::write(sb.path().join(name), &text).unwrap();
        }
        let out = Command::new(env!("CARGO_BIN_EXE_perfeval"))
            .env("PERFEVAL_LANG", "en")
            .args(["batch", ".", "--format", "jsonl"])
            .current_dir(sb.path())
            .stdin(Stdio::null())
            .output()
            .unwrap();
        let stdout = String::from_utf8(out.stdout).unwrap();
        assert!(stdout.contains("\"path\":\"./x\\\\xFE.toml\""), "{stdout}");
        assert!(stdout.contains("\"path\":\"./x\\\\xFF.toml\""), "{stdout}");
        // A name that really is `y\xFF.toml` stays apart from one with the byte 0xFF.
        std::fs::write(sb.path().join("y\\xFF.toml"), &text).unwrap();
        let bytes = [b'y', 0xff, b'.', b't', b'o', b'm', b'l'];
        std::fs::write(sb.path().join(std::ffi::OsStr::from_bytes(&bytes)), &text).unwrap();
        let out = Command::new(env!("CARGO_BIN_EXE_perfeval"))
            .env("PERFEVAL_LANG", "en")
            .args(["batch", ".", "--format", "jsonl"])
            .current_dir(sb.path())
            .output()
            .unwrap();
        let paths: Vec<String> = String::from_utf8(out.stdout)
            .unwrap()
            .lines()
            .map(|l| {
                serde_json::from_str::<serde_json::Value>(l).unwrap()["path"]
                    .as_str()
                    .unwrap()
                    .to_string()
            })
            .filter(|p| p.starts_with("./y"))
            .collect();
        assert_eq!(paths.len(), 2);
        assert_ne!(paths[0], paths[1], "{paths:?}");
    }

    #[test]
    fn every_toml_entry_in_a_directory_gets_a_row_and_other_files_are_counted() {
        let sb = Sandbox::new();
        std::fs::create_dir(sb.path().join("archive")).unwrap();
        sb.write("archive/good.toml", crate::support::example_text());
        sb.write("archive/README.txt", "notes");
        sb.write("archive/UPPER.TOML", "x");
        assert!(
            Command::new("mkfifo")
                .arg(sb.path().join("archive/pipe.toml"))
                .status()
                .unwrap()
                .success()
        );
        std::os::unix::fs::symlink("/dev/null", sb.path().join("archive/device.toml")).unwrap();
        let run = sb.run(&["batch", "archive", "--format", "jsonl"]);
        assert_eq!(run.code, Some(1), "{}", run.stderr);
        let rows: Vec<serde_json::Value> = run
            .stdout
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        let paths: Vec<&str> = rows.iter().map(|r| r["path"].as_str().unwrap()).collect();
        assert_eq!(
            paths,
            [
                "archive/device.toml",
                "archive/good.toml",
                "archive/pipe.toml"
            ],
            "{}",
            run.stdout
        );
        assert_eq!(rows[0]["status"], "error");
        assert_eq!(rows[2]["status"], "error");
        assert!(
            run.stderr
                .contains("2 other file(s) in the directories were not scored"),
            "{}",
            run.stderr
        );
    }
}

#[test]
fn an_output_through_a_symbolic_link_is_written_to_the_file_it_points_to() {
    let sb = Sandbox::new();
    crate::batch::archive(&sb, 2);
    sb.write("real.csv", "old\n");
    std::os::unix::fs::symlink("real.csv", sb.path().join("link.csv")).unwrap();
    let run = sb.run(&["batch", "archive", "-o", "link.csv"]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let link = std::fs::symlink_metadata(sb.path().join("link.csv")).unwrap();
    assert!(link.file_type().is_symlink(), "the link is still a link");
    let rows = std::fs::read_to_string(sb.path().join("real.csv")).unwrap();
    assert_eq!(rows.lines().count(), 3, "{rows}");
    // /dev/stdout redirected to a file: the rows reach the file.
    let bin = env!("CARGO_BIN_EXE_perfeval");
    let status = std::process::Command::new("sh")
        .env("PERFEVAL_LANG", "en")
        .arg("-c")
        .arg(format!(
            "'{bin}' batch archive -o /dev/stdout --format jsonl > out.jsonl"
        ))
        .current_dir(sb.path())
        .status()
        .unwrap();
    assert!(status.success());
    let out = std::fs::read_to_string(sb.path().join("out.jsonl")).unwrap();
    assert_eq!(out.lines().count(), 2, "{out}");
    // Appended with `>>`, what the file held stays.
    sb.write("log.txt", "EARLIER LINE\n");
    let status = std::process::Command::new("sh")
        .env("PERFEVAL_LANG", "en")
        .arg("-c")
        .arg(format!(
            "'{bin}' batch archive -o /dev/stdout --format jsonl >> log.txt"
        ))
        .current_dir(sb.path())
        .status()
        .unwrap();
    assert!(status.success());
    let log = std::fs::read_to_string(sb.path().join("log.txt")).unwrap();
    assert!(log.starts_with("EARLIER LINE\n"), "{log}");
    assert_eq!(log.lines().count(), 3, "{log}");
    // A link to nothing is refused, not replaced.
    std::os::unix::fs::symlink("missing/dir/x.csv", sb.path().join("dangling.csv")).unwrap();
    let run = sb.run(&["batch", "archive", "-o", "dangling.csv"]);
    assert_eq!(run.code, Some(2));
    assert!(
        run.stderr.contains("symbolic link to nothing"),
        "{}",
        run.stderr
    );
}

#[test]
fn rescoring_sets_aside_an_override_of_an_indicator_the_new_rubric_lacks() {
    let sb = Sandbox::new();
    let rubric = seed_rubric_text();
    sb.write(
        "new.toml",
        crate::support::edited(
            rubric,
            &[
                ("id = \"luohu-dept-overall-2023\"", "id = \"renamed\""),
                ("name = \"编外人员控制率\"", "name = \"编外人员管控率\""),
            ],
        ),
    );
    sb.write("old.toml", example_text());
    let run = sb.run(&[
        "score", "old.toml", "--rubric", "new.toml", "--format", "json",
    ]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let json: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(
        json["receipt"]["set_aside_facts"],
        serde_json::json!(["overrides.编外人员控制率"])
    );
}
