//! `--shard K/N`: a deterministic, balanced 1/N of the units, so N runners of
//! a CI matrix build the whole and their outputs merge by copying folders.
//! Shard 1 also builds what spans units (hub, coverage report, city results),
//! from content alone.

use crate::content::Project;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    /// 1-based.
    pub index: usize,
    pub count: usize,
}

impl std::str::FromStr for Shard {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        let bad = || format!("`{s}` is not a shard: write K/N, e.g. 2/4 (the second of four)");
        let (k, n) = s.split_once('/').ok_or_else(bad)?;
        let (index, count): (usize, usize) = (
            k.trim().parse().map_err(|_| bad())?,
            n.trim().parse().map_err(|_| bad())?,
        );
        if count == 0 || index == 0 || index > count {
            return Err(bad());
        }
        Ok(Shard { index, count })
    }
}

/// The units of each shard. Units are weighed by the pages they produce (the
/// guides they publish) and placed heaviest first into the lightest shard;
/// ties go by slug and shard number, so every runner computes the same split.
pub fn split(p: &Project, count: usize) -> Vec<Vec<String>> {
    let mut units: Vec<(usize, &str)> = p
        .units
        .iter()
        .map(|u| (p.published(u).len() + 1, u.slug.as_str()))
        .collect();
    units.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(b.1)));
    let mut bins: Vec<(usize, Vec<String>)> = vec![(0, Vec::new()); count.max(1)];
    for (weight, slug) in units {
        let lightest = (0..bins.len())
            .min_by_key(|&i| (bins[i].0, i))
            .expect("at least one shard");
        bins[lightest].0 += weight;
        bins[lightest].1.push(slug.to_owned());
    }
    bins.into_iter()
        .map(|(_, mut v)| {
            v.sort();
            v
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_k_of_n() {
        assert_eq!("2/4".parse::<Shard>(), Ok(Shard { index: 2, count: 4 }));
        assert!("0/4".parse::<Shard>().is_err());
        assert!("5/4".parse::<Shard>().is_err());
        assert!("2".parse::<Shard>().is_err());
    }
}
