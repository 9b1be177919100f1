//! Writes a synthetic archive of facts files for benchmarks and tests:
//!
//! ```text
//! cargo run --release --example gen_archive -- DIR N
//! ```
//!
//! Each file is the shipped seed example (examples/luohu-2023.toml, comments dropped)
//! with its department, year and figures varied deterministically, so scores and grades
//! spread out; every file scores. Files go to DIR/000/000000.toml, 1,000 to a folder.

#![allow(clippy::print_stderr)] // a command-line tool: its messages go to stderr

use std::fmt::Write as _;
use std::path::PathBuf;

/// A small deterministic generator (SplitMix64): the same archive every time.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A whole number in `lo..=hi`.
    fn range(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.next() % (hi - lo + 1)
    }
}

/// Cents as a decimal literal: 15875 → "158.75".
fn money(cents: u64) -> String {
    format!("{}.{:02}", cents / 100, cents % 100)
}

/// Replaces the value of the first line starting with `key = ` after `after`.
fn set(text: &mut String, after: &str, key: &str, value: &str) {
    let from = text.find(after).unwrap_or(0);
    let prefix = format!("\n{key} = ");
    if let Some(rel) = text[from..].find(&prefix) {
        let start = from + rel + prefix.len();
        let end = text[start..].find('\n').map_or(text.len(), |e| start + e);
        text.replace_range(start..end, value);
    }
}

fn facts_file(seed: &str, k: u64) -> String {
    let mut r = Rng(k);
    let mut t = seed.to_string();
    set(&mut t, "", "department", &format!("\"样本单位 {k:06}\""));
    set(&mut t, "", "year", &(2019 + k % 6).to_string());
    let plan = r.range(5_000, 5_000_000);
    let actual = plan * r.range(80, 102) / 100;
    set(&mut t, "[procurement]", "plan", &money(plan));
    set(&mut t, "[procurement]", "actual", &money(actual));
    let total = r.range(10_000, 1_000_000);
    set(&mut t, "[fixed_assets]", "total", &money(total));
    set(
        &mut t,
        "[fixed_assets]",
        "in_use",
        &money(total * r.range(50, 100) / 100),
    );
    set(&mut t, "[staff]", "on_payroll", &r.range(5, 12).to_string());
    set(&mut t, "[staff]", "outside", &r.range(0, 3).to_string());
    let sangong = r.range(1_000, 100_000);
    set(&mut t, "[public_funds]", "sangong_budget", &money(sangong));
    set(
        &mut t,
        "[public_funds]",
        "sangong_actual",
        &money(sangong * r.range(70, 105) / 100),
    );
    let routine = r.range(10_000, 1_000_000);
    set(&mut t, "[public_funds]", "routine_budget", &money(routine));
    set(
        &mut t,
        "[public_funds]",
        "routine_actual",
        &money(routine * r.range(70, 105) / 100),
    );
    // Cumulative spending never falls from one quarter to the next (a plausibility rule).
    let mut spent_before = 0;
    for (q, share) in [("q1", 25), ("q2", 50), ("q3", 75), ("q4", 100)] {
        let budget = r.range(200_000, 300_000);
        let spent = (budget * share * r.range(60, 110) / 10_000).max(spent_before);
        spent_before = spent;
        set(&mut t, &format!("[execution.{q}]"), "spent", &money(spent));
        set(
            &mut t,
            &format!("[execution.{q}]"),
            "budget",
            &money(budget),
        );
    }
    set(
        &mut t,
        "[key_tasks]",
        "unfinished",
        &r.range(0, 2).to_string(),
    );
    if k.is_multiple_of(4) {
        set(&mut t, "[budget_rationality]", "not_entrenched", "false");
    }
    if k.is_multiple_of(3) {
        let line = t
            .lines()
            .find(|l| l.starts_with("tier = "))
            .unwrap_or("")
            .to_string();
        t = t.replacen(
            &line,
            &format!("rate = \"{}.{}%\"", r.range(75, 99), r.range(0, 9)),
            1,
        );
    }
    t
}

fn main() {
    let mut args = std::env::args().skip(1);
    let (Some(dir), Some(n)) = (args.next(), args.next().and_then(|n| n.parse::<u64>().ok()))
    else {
        eprintln!("usage: gen_archive DIR N");
        std::process::exit(2);
    };
    let seed_path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("examples/luohu-2023.toml");
    let seed = match std::fs::read_to_string(&seed_path) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("cannot read {}: {e}", seed_path.display());
            std::process::exit(2);
        }
    };
    // Seed-sized: the figures without the comments that explain them.
    let mut compact = String::new();
    for line in seed.lines().filter(|l| !l.trim_start().starts_with('#')) {
        let _ = writeln!(compact, "{line}");
    }
    let mut bytes = 0usize;
    for k in 0..n {
        let folder = PathBuf::from(&dir).join(format!("{:03}", k / 1000));
        if k % 1000 == 0
            && let Err(e) = std::fs::create_dir_all(&folder)
        {
            eprintln!("cannot create {}: {e}", folder.display());
            std::process::exit(2);
        }
        let text = facts_file(&compact, k);
        bytes += text.len();
        if let Err(e) = std::fs::write(folder.join(format!("{k:06}.toml")), text) {
            eprintln!("cannot write: {e}");
            std::process::exit(2);
        }
    }
    eprintln!("wrote {n} files, {} KiB, under {dir}", bytes / 1024);
}
