//! `--shard K/N`: N runners each build a share of the units; copying their
//! outputs together gives exactly the whole build.

mod common;

use std::collections::BTreeMap;
use std::path::Path;

use common::Fixture;

#[test]
fn shards_split_the_units_and_merge_into_the_whole_build() {
    let f = Fixture::html_only();
    f.write(
        "content/units/phuong-hoan-kiem.yaml",
        &common::unit(
            "Ủy ban nhân dân phường Hoàn Kiếm",
            "Phường Hoàn Kiếm",
            "phuong",
            "",
        ),
    );
    let mut whole = f.options();
    whole.out = f.root().join("whole");
    sotay::build(&whole).unwrap_or_else(|e| panic!("{}", common::render(&e.diagnostics)));

    let mut merged = BTreeMap::new();
    let mut seen_units = Vec::new();
    for k in 1..=3 {
        let mut o = f.options();
        o.out = f.root().join(format!("shard-{k}"));
        o.scope = sotay::Scope::Shard(format!("{k}/3").parse().unwrap());
        let report =
            sotay::build(&o).unwrap_or_else(|e| panic!("{}", common::render(&e.diagnostics)));
        assert!(report.units >= 1, "shard {k} is empty");
        let out = common::output_files(&o.out);
        // Only shard 1 has the hub.
        assert_eq!(
            out.contains_key(Path::new("index.html")),
            k == 1,
            "shard {k}"
        );
        for unit in [
            "so-thu-nghiem",
            "phuong-ba-dinh",
            "xa-ba-vi",
            "phuong-hoan-kiem",
        ] {
            if o.out.join(unit).is_dir() {
                seen_units.push(unit);
            }
        }
        for (p, b) in out {
            assert!(
                merged.insert(p.clone(), b).is_none() || p.starts_with("assets"),
                "{p:?} in two shards"
            );
        }
    }
    seen_units.sort();
    assert_eq!(
        seen_units,
        [
            "phuong-ba-dinh",
            "phuong-hoan-kiem",
            "so-thu-nghiem",
            "xa-ba-vi"
        ],
        "each unit in exactly one shard"
    );
    let whole = common::output_files(&whole.out);
    assert_eq!(
        merged.keys().collect::<Vec<_>>(),
        whole.keys().collect::<Vec<_>>(),
        "merged shards have other files than the whole build"
    );
    for (p, b) in &whole {
        assert!(
            merged[p] == *b,
            "{p:?} differs between the whole build and the shards"
        );
    }
}

#[test]
fn the_split_is_stable_and_balanced() {
    let f = Fixture::html_only();
    let sink = sotay::diag::Sink::default();
    let p = sotay::content::load(f.root(), &sink).expect("loads");
    let a = sotay::shard::split(&p, 2);
    let b = sotay::shard::split(&p, 2);
    assert_eq!(a, b);
    // Balanced by pages: the shards' loads differ by at most one unit's load.
    let collation = sotay::text::Collation::default();
    let weight = |slug: &str| {
        let u = p.unit(slug).unwrap();
        sotay::resolve::UnitSite::new(&p, u, &collation)
            .guides
            .len()
            + 1
    };
    let loads: Vec<usize> = a
        .iter()
        .map(|s| s.iter().map(|u| weight(u)).sum())
        .collect();
    let heaviest = p.units.iter().map(|u| weight(&u.slug)).max().unwrap();
    assert!(loads.iter().all(|&l| l > 0), "{a:?}");
    assert!(
        loads.iter().max().unwrap() - loads.iter().min().unwrap() <= heaviest,
        "{a:?}: loads {loads:?}"
    );
}
