//! `--shard K/N`: a deterministic, balanced 1/N of the units, so N runners of
//! a CI matrix build the whole and their outputs merge by copying folders.
//! Shard 1 also builds what spans units (hub, coverage report, city results),
//! from content alone.

use crate::content::Project;

pub use crate::options::Shard;

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
