//! The mistakes people typing on a Chinese keyboard make in a facts file: each gets a
//! hint that names the character and shows the line to write, quoted or not, and the
//! line it shows is accepted (a hint never leads to another refusal).

use crate::support::{Sandbox, edited_example};

/// (the line as the example has it, the line as typed, the line the hint must show)
const CASES: &[(&str, &str, &str)] = &[
    (
        "initial = 2855.07",
        "initial = 2,855.07",
        "initial = 2855.07",
    ),
    (
        "initial = 2855.07",
        "initial = \"2,855.07\"",
        "initial = 2855.07",
    ),
    (
        "initial = 2855.07",
        "initial = 2855.07万元",
        "initial = 2855.07",
    ),
    (
        "initial = 2855.07",
        "initial = \"2855.07万元\"",
        "initial = 2855.07",
    ),
    (
        "initial = 2855.07",
        "initial = 2855.07\u{3000}",
        "initial = 2855.07",
    ),
    (
        "initial = 2855.07",
        "initial = \"2855.07\u{3000}\"",
        "initial = 2855.07",
    ),
    // A figure in Chinese quotes, a yes/no in Chinese, text after a full-width colon.
    (
        "initial = 2855.07",
        "initial = “2855.07”",
        "initial = 2855.07",
    ),
    (
        "duty_aligned = true",
        "duty_aligned = “是”",
        "duty_aligned = true",
    ),
    (
        "budget = \"按规定公开\"",
        "budget ： 按规定公开",
        "budget = \"按规定公开\"",
    ),
    // A rate without its sign, a fraction in quotes, a figure in an inline table.
    (
        "execution_rate = \"87.47%\"",
        "execution_rate = \"87.47\"",
        "execution_rate = \"87.47%\"",
    ),
    (
        "execution_rate = \"87.47%\"",
        "execution_rate = \"0.8747\"",
        "execution_rate = 0.8747",
    ),
    // 元 against a rubric in 万元 is another number: the hint converts, exactly.
    (
        "initial = 2855.07",
        "initial = 28550700元",
        "initial = 2855.07",
    ),
    (
        "initial = 2855.07",
        "initial = \"28550700元\"",
        "initial = 2855.07",
    ),
    (
        "initial = 2855.07",
        "initial = \"0.2855007亿元\"",
        "initial = 2855.007",
    ),
    (
        "initial = 2855.07",
        "initial ＝ 2855.07",
        "initial = 2855.07",
    ),
    ("initial = 2855.07", "initial：2855.07", "initial = 2855.07"),
    ("on_payroll = 11", "on_payroll = １１", "on_payroll = 11"),
    (
        "on_payroll = 11",
        "on_payroll = \"１１\"",
        "on_payroll = 11",
    ),
    (
        "execution_rate = \"87.47%\"",
        "execution_rate = 87.47%",
        "execution_rate = \"87.47%\"",
    ),
    (
        "execution_rate = \"87.47%\"",
        "execution_rate = \"87.47％\"",
        "execution_rate = \"87.47%\"",
    ),
    (
        "execution_rate = \"87.47%\"",
        "execution_rate = 87.47％",
        "execution_rate = \"87.47%\"",
    ),
    (
        "execution_rate = \"87.47%\"",
        "execution_rate = “87.47%”",
        "execution_rate = \"87.47%\"",
    ),
];

#[test]
fn each_typing_mistake_gets_the_line_to_write_and_that_line_is_accepted() {
    for (original, typed, fixed) in CASES {
        let sb = Sandbox::new();
        sb.write("typed.toml", edited_example(&[(original, typed)]));
        let run = sb.run(&["score", "typed.toml"]);
        assert_eq!(run.code, Some(2), "{typed}: {}", run.stdout);
        assert!(
            run.stderr.contains(&format!("write `{fixed}`")),
            "{typed}:\n{}",
            run.stderr
        );
        // The line the hint shows is right: no loop of hints.
        sb.write("fixed.toml", edited_example(&[(original, fixed)]));
        let run = sb.run(&["score", "fixed.toml"]);
        assert_eq!(run.code, Some(0), "{fixed}: {}", run.stderr);
    }
}

#[test]
fn a_decimal_comma_gets_no_guess_and_a_table_keeps_its_note() {
    let sb = Sandbox::new();
    // 2855,07 may be 2855.07 or 285507: no line is suggested.
    sb.write(
        "typed.toml",
        edited_example(&[("initial = 2855.07", "initial = \"2855,07\"")]),
    );
    let run = sb.run(&["score", "typed.toml"]);
    assert_eq!(run.code, Some(2));
    assert!(!run.stderr.contains("285507"), "{}", run.stderr);
    // Inside `{ value = …, note = … }` the fix is the `value`, so the note stays.
    sb.write(
        "typed.toml",
        edited_example(&[("planned = 8", "planned = { value = \"８\", note = \"x\" }")]),
    );
    let run = sb.run(&["score", "typed.toml"]);
    assert!(run.stderr.contains("write `value = 8`"), "{}", run.stderr);
}

#[test]
fn the_hint_names_the_character() {
    let sb = Sandbox::new();
    sb.write(
        "typed.toml",
        edited_example(&[("on_payroll = 11", "on_payroll = \"１１\"")]),
    );
    let run = sb.run(&["score", "typed.toml"]);
    assert!(
        run.stderr.contains("full-width digits (０–９)"),
        "{}",
        run.stderr
    );
    sb.write(
        "typed.toml",
        edited_example(&[("initial = 2855.07", "initial ＝ 2855.07")]),
    );
    let run = sb.run(&["score", "typed.toml"]);
    assert!(
        run.stderr.contains("`＝` is not TOML's `=`"),
        "{}",
        run.stderr
    );
}

/// The seed example in another encoding, as Windows tools save it.
fn encoded(sb: &Sandbox, name: &str, bytes: Vec<u8>) -> crate::support::Run {
    sb.write(name, bytes);
    sb.run(&["score", name, "--format", "json"])
}

#[test]
fn gbk_and_utf16_copies_of_the_seed_score_with_a_notice() {
    let text = crate::support::example_text();
    let expected = crate::support::example_total("luohu-2023.toml");
    let sb = Sandbox::new();
    let (gbk, _, unmappable) = encoding_rs::GB18030.encode(&text);
    assert!(!unmappable);
    let mut utf16le = vec![0xFF, 0xFE];
    let mut utf16be = vec![0xFE, 0xFF];
    for unit in text.encode_utf16() {
        utf16le.extend_from_slice(&unit.to_le_bytes());
        utf16be.extend_from_slice(&unit.to_be_bytes());
    }
    for (name, bytes, encoding) in [
        ("gbk.toml", gbk.into_owned(), "GB18030 (GBK)"),
        ("utf16le.toml", utf16le, "UTF-16 (little-endian)"),
        ("utf16be.toml", utf16be, "UTF-16 (big-endian)"),
    ] {
        let run = encoded(&sb, name, bytes.clone());
        assert_eq!(run.code, Some(0), "{name}: {}", run.stderr);
        let json: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
        assert_eq!(json["total"], expected, "{name}");
        assert!(
            run.stderr
                .contains(&format!("`{name}` is not UTF-8; read as {encoding}")),
            "{name}: {}",
            run.stderr
        );
        // The receipt names the bytes given, not the text they were decoded to.
        assert_eq!(
            json["receipt"]["facts_sha256"],
            perfeval::diagnostic::sha256_hex(&bytes),
            "{name}"
        );
    }
    // check says so too, and --quiet does not hide it: a wrong guess garbles the text.
    let run = sb.run(&["check", "gbk.toml", "--quiet"]);
    assert!(
        run.stderr
            .contains("`gbk.toml` is not UTF-8; read as GB18030 (GBK)"),
        "{}",
        run.stderr
    );
    // A GBK file's errors keep their lines.
    let broken = text.replace("on_payroll = 11", "on_payroll = -1");
    let (gbk, _, _) = encoding_rs::GB18030.encode(&broken);
    sb.write("broken.toml", &gbk);
    let run = sb.run(&["score", "broken.toml"]);
    let line = broken
        .lines()
        .position(|l| l.starts_with("on_payroll"))
        .unwrap()
        + 1;
    assert!(
        run.stderr.contains(&format!("broken.toml:{line}:")),
        "{}",
        run.stderr
    );
}

#[test]
fn bytes_that_fit_no_encoding_are_named_at_their_line_and_column() {
    let sb = Sandbox::new();
    sb.write("bad.toml", b"rubric = \"x\"\ndep = \"\xff\xff\"\n");
    let run = sb.run(&["score", "bad.toml"]);
    assert_eq!(run.code, Some(2));
    assert!(run.stderr.contains("`bad.toml:2:8`"), "{}", run.stderr);
}

#[test]
fn a_dash_reads_standard_input_and_quiet_keeps_the_log_to_what_matters() {
    let sb = Sandbox::new();
    let text = crate::support::example_text();
    sb.write("seed.toml", &text);
    let stdin = std::fs::File::open(sb.path().join("seed.toml")).unwrap();
    let out = sb
        .command(&["score", "-", "--format", "json"])
        .stdin(stdin)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        json["total"],
        crate::support::example_total("luohu-2023.toml")
    );

    // check: an indicator left unclaimed is a note; --quiet drops the notes and keeps
    // the warnings and the verdict.
    sb.write(
        "unclaimed.toml",
        edited_example(&[("\"预算编制合理性\" = 5\n", "")]),
    );
    let loud = sb.run(&["check", "unclaimed.toml"]);
    let quiet = sb.run(&["check", "unclaimed.toml", "--quiet"]);
    assert_eq!(loud.code, quiet.code);
    assert!(loud.stdout.contains("\nnotes (1):"), "{}", loud.stdout);
    assert!(!quiet.stdout.contains("\nnotes ("), "{}", quiet.stdout);
    assert!(quiet.stdout.contains("warnings (4):"), "{}", quiet.stdout);

    // A note on stderr (a file written) is silenced; an error is not.
    let run = sb.run(&[
        "init",
        "--rubric",
        "luohu-dept-overall-2023",
        "-o",
        "t.toml",
        "-q",
    ]);
    assert_eq!(run.code, Some(0));
    assert_eq!(run.stderr, "");
    // rubric test: only the failures, then the count.
    let rubrics = crate::support::repo().join("rubrics");
    let run = sb.run(&["rubric", "test", rubrics.to_str().unwrap(), "-q"]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert_eq!(run.stdout.lines().count(), 1, "{}", run.stdout);
    assert!(run.stdout.ends_with("0 failed\n"), "{}", run.stdout);
    let run = sb.run(&["score", "missing.toml", "--quiet"]);
    assert_eq!(run.code, Some(2));
    assert!(run.stderr.contains("missing.toml"), "{}", run.stderr);
}
