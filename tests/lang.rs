//! The language of what perfeval prints: Chinese unless asked, English with `--lang en`
//! or `PERFEVAL_LANG=en`, the flag winning over the environment.

use crate::support::Sandbox;

fn bad_facts() -> Sandbox {
    let sb = Sandbox::new();
    sb.write(
        "bad.toml",
        "rubric = \"luohu-dept-2023\"\ninitial = 2,855.07\n",
    );
    sb
}

#[test]
fn chinese_is_the_default() {
    let sb = bad_facts();
    let run = sb.run_zh(&["score", "bad.toml"]);
    assert_eq!(run.code, Some(2));
    assert!(run.stderr.starts_with("错误："), "{}", run.stderr);
    assert!(run.stderr.contains("= 提示："), "{}", run.stderr);
    assert!(!run.stderr.contains("error:"), "{}", run.stderr);
}

#[test]
fn english_with_the_flag_or_the_environment() {
    let sb = bad_facts();
    let flag = sb.run_zh(&["--lang", "en", "score", "bad.toml"]);
    assert!(flag.stderr.starts_with("error: "), "{}", flag.stderr);
    assert!(flag.stderr.contains("= help: "), "{}", flag.stderr);
    let env = sb
        .command_zh(&["score", "bad.toml"])
        .env("PERFEVAL_LANG", "en")
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&env.stderr), flag.stderr);
}

#[test]
fn the_flag_wins_over_the_environment() {
    let sb = bad_facts();
    let out = sb
        .command_zh(&["score", "bad.toml", "--lang=zh"])
        .env("PERFEVAL_LANG", "en")
        .output()
        .unwrap();
    assert!(
        String::from_utf8_lossy(&out.stderr).starts_with("错误："),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn an_unknown_language_is_an_error_that_names_the_choices() {
    let sb = bad_facts();
    let run = sb.run_zh(&["--lang", "fr", "score", "bad.toml"]);
    assert_eq!(run.code, Some(2));
    assert!(run.stderr.contains("“fr”"), "{}", run.stderr);
    assert!(
        run.stderr.contains("zh") && run.stderr.contains("en"),
        "{}",
        run.stderr
    );
}
