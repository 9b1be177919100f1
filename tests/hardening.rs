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
