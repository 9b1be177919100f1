//! One loaded rubric scores many project files: each file's listed items live in its own
//! plan, and the rubric itself is never changed by them.

use perfeval::diagnostic::SourceFile;
use perfeval::facts::Facts;
use perfeval::plan::Plan;
use perfeval::rubric::{self, Rubric};
use perfeval::score::{self, Options};

use crate::support::repo;

/// Scores `text` against `rubric` through a plan of its own, and checks every pinned
/// score of the hand-worked fixture.
fn score_example(rubric: &Rubric, text: &str, expected: &toml::Table) {
    let mut facts = Facts::load(&SourceFile::new("p.toml", text), rubric).unwrap();
    let plan = Plan::new(rubric, &mut facts);
    assert!(plan.indicators.len() > rubric.indicators.len());
    let report = score::evaluate(&plan, &facts, Options::default()).unwrap();
    assert_eq!(
        report.total.to_string(),
        expected["total"].as_str().unwrap()
    );
    assert_eq!(report.grade, expected["grade"].as_str().unwrap());
    for section in ["scores", "subtotals"] {
        for (name, want) in expected[section].as_table().unwrap() {
            let i = plan
                .find_indicator(name)
                .unwrap_or_else(|| panic!("{name}"));
            assert_eq!(
                report.scores[i].to_string(),
                want.as_str().unwrap(),
                "{name}"
            );
        }
    }
}

#[test]
fn scoring_a_project_twice_leaves_the_rubric_as_loaded() {
    let rubric = rubric::shipped::find("mof-project-2020").unwrap().unwrap();
    let expected: toml::Table = toml::from_str(
        &std::fs::read_to_string(repo().join("tests/fixtures/project-2024-expected.toml")).unwrap(),
    )
    .unwrap();
    let text = std::fs::read_to_string(repo().join("examples/project-2024.toml")).unwrap();
    let own = rubric.indicators.len();
    let before = rubric::compiled::compile(&rubric).unwrap();
    for _ in 0..2 {
        score_example(&rubric, &text, &expected);
        assert_eq!(rubric.indicators.len(), own);
        // The list groups have no children but a file's, and no item is in the index.
        let groups: Vec<_> = rubric
            .indicators
            .iter()
            .filter(|i| i.list.is_some())
            .collect();
        assert!(!groups.is_empty(), "the project rubric lists indicators");
        assert!(groups.iter().all(|i| i.children.is_empty()));
        assert_eq!(rubric.find_indicator("培训人次"), None);
        assert_eq!(rubric::compiled::compile(&rubric).unwrap(), before);
    }
}

#[test]
fn a_rubric_without_lists_gets_a_plan_that_adds_nothing() {
    let rubric = crate::support::seed_rubric();
    let (_, mut facts) = crate::support::load_text(&crate::support::example_text()).unwrap();
    let plan = Plan::new(rubric, &mut facts);
    assert_eq!(plan.indicators.len(), rubric.indicators.len());
    assert_eq!(plan.preorder(), rubric.preorder());
}
