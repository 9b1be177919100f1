//! The rubric as one facts file is scored by it: a [`Plan`] borrows the loaded rubric,
//! which is never cloned or changed, and holds only what is the file's own.
//!
//! A rubric whose indicators include the file's own (`list` indicators: a project's
//! output, benefit and satisfaction indicators) gets the items the file lists as leaves,
//! numbered after the rubric's own indicators, under `level2` groups when the list is
//! grouped; the list groups are held as the file has them (their children, the items).
//! For any other rubric the plan adds nothing and copies nothing.
//!
//! Everything that is not the tree (metadata, declared facts, grades, rounding,
//! consistency checks) is the rubric's: the plan dereferences to it. The tree is read
//! through the plan: [`Plan::indicators`] (indexed like the rubric's), [`Plan::preorder`],
//! [`Plan::find_indicator`], [`Plan::path_names`], [`Plan::row_spans`], which shadow the
//! rubric's own.

mod build;

use std::ops::{Deref, Index};

use rustc_hash::FxHashMap;

use crate::facts::Facts;
use crate::rubric::{Indicator, Rubric};

/// One facts file's view of its rubric.
#[derive(Debug)]
pub struct Plan<'r> {
    rubric: &'r Rubric,
    /// Every indicator, the rubric's own first and then the file's: `children` and
    /// `parent` index into this.
    pub indicators: Indicators<'r>,
    /// The ids, names and paths of the file's indicators (looked up before the rubric's).
    index: FxHashMap<String, usize>,
}

/// The indicators of a [`Plan`]: the rubric's, with the list groups as the file has
/// them, and then the file's own.
#[derive(Debug)]
pub struct Indicators<'r> {
    own: &'r [Indicator],
    /// The list groups that have items in this file, by their index.
    lists: Vec<(usize, Indicator)>,
    /// The file's indicators; the first is numbered `own.len()`.
    added: Vec<Indicator>,
}

impl<'r> Plan<'r> {
    /// The plan `facts` is scored by. Claims that name the file's own indicators are
    /// resolved here, since those indicators exist only in the plan.
    pub fn new(rubric: &'r Rubric, facts: &mut Facts) -> Plan<'r> {
        let mut plan = Plan::of(rubric);
        if rubric.indicators.iter().any(|i| i.list.is_some()) {
            plan.index = build::expand(rubric, facts, &mut plan.indicators);
            for c in facts
                .claimed
                .scores
                .iter_mut()
                .filter(|c| c.indicator.is_none())
            {
                c.indicator = plan.find_indicator(&c.key);
            }
        }
        plan
    }

    /// The rubric's own tree, without any file's items.
    pub fn of(rubric: &'r Rubric) -> Plan<'r> {
        Plan {
            rubric,
            indicators: Indicators {
                own: &rubric.indicators,
                lists: Vec::new(),
                added: Vec::new(),
            },
            index: FxHashMap::default(),
        }
    }

    /// The first-level indicators, in file order.
    pub fn roots(&self) -> &'r [usize] {
        &self.rubric.roots
    }

    /// Finds an indicator by id, by its Chinese name, or (for the file's own) by path.
    pub fn find_indicator(&self, key: &str) -> Option<usize> {
        self.index
            .get(key)
            .copied()
            .or_else(|| self.rubric.find_indicator(key))
    }

    /// The indicators in tree order (each parent before its children).
    pub fn preorder(&self) -> Vec<usize> {
        crate::rubric::tree_order(&self.rubric.roots, |i| &self.indicators[i].children)
    }

    /// The names from the first level down to indicator `i`, `i`'s own last.
    pub fn path_names(&self, i: usize) -> Vec<&str> {
        self.indicators.path_names(i)
    }

    /// The rows each indicator spans in a tree table (附件一): itself and everything
    /// beneath it.
    pub fn row_spans(&self) -> Vec<usize> {
        let mut span = vec![0usize; self.indicators.len()];
        for i in 0..self.indicators.len() {
            let mut at = Some(i);
            while let Some(a) = at {
                span[a] += 1;
                at = self.indicators[a].parent;
            }
        }
        span
    }
}

impl Deref for Plan<'_> {
    type Target = Rubric;

    fn deref(&self) -> &Rubric {
        self.rubric
    }
}

impl<'r> Indicators<'r> {
    pub fn len(&self) -> usize {
        self.own.len() + self.added.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Every indicator, in index order.
    pub fn iter(&self) -> Iter<'_, 'r> {
        Iter {
            of: self,
            at: 0..self.len(),
        }
    }

    /// The names from the first level down to indicator `i`, `i`'s own last.
    fn path_names(&self, i: usize) -> Vec<&str> {
        let mut names = vec![self[i].name.as_str()];
        let mut at = self[i].parent;
        while let Some(p) = at {
            names.push(self[p].name.as_str());
            at = self[p].parent;
        }
        names.reverse();
        names
    }

    /// Indicator `i` to change while building: one of the file's, or a list group, which
    /// is copied the first time.
    fn get_mut(&mut self, i: usize) -> &mut Indicator {
        let own = self.own.len();
        if i >= own {
            return &mut self.added[i - own];
        }
        let k = match self.lists.iter().position(|(g, _)| *g == i) {
            Some(k) => k,
            None => {
                self.lists.push((i, self.own[i].clone()));
                self.lists.len() - 1
            }
        };
        &mut self.lists[k].1
    }

    /// Adds one of the file's indicators; returns its index.
    fn push(&mut self, indicator: Indicator) -> usize {
        self.added.push(indicator);
        self.len() - 1
    }
}

impl Index<usize> for Indicators<'_> {
    type Output = Indicator;

    fn index(&self, i: usize) -> &Indicator {
        let own = self.own.len();
        if i >= own {
            return &self.added[i - own];
        }
        match self.lists.iter().find(|(g, _)| *g == i) {
            Some((_, group)) => group,
            None => &self.own[i],
        }
    }
}

/// The indicators of a plan in index order.
#[derive(Debug)]
pub struct Iter<'a, 'r> {
    of: &'a Indicators<'r>,
    at: std::ops::Range<usize>,
}

impl<'a> Iterator for Iter<'a, '_> {
    type Item = &'a Indicator;

    fn next(&mut self) -> Option<&'a Indicator> {
        self.at.next().map(|i| &self.of[i])
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.at.size_hint()
    }
}

impl DoubleEndedIterator for Iter<'_, '_> {
    fn next_back(&mut self) -> Option<Self::Item> {
        self.at.next_back().map(|i| &self.of[i])
    }
}

impl ExactSizeIterator for Iter<'_, '_> {}

impl<'a, 'r> IntoIterator for &'a Indicators<'r> {
    type Item = &'a Indicator;
    type IntoIter = Iter<'a, 'r>;

    fn into_iter(self) -> Iter<'a, 'r> {
        self.iter()
    }
}
