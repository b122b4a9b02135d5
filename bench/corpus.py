#!/usr/bin/env python3
"""Deterministic synthetic corpus for the sotay benchmark: U units x G guides
of Vietnamese procedure guides (diacritics, tables, callouts, links between
guides, a few images, a few unit overrides), written twice: as a sotay
project and as the same pages laid out the Hugo way (one content mount of
the shared guides per unit, so Hugo renders every guide once per unit, as
sotay must).

    python3 bench/corpus.py --units 10 --guides 100 --out /tmp/bench-10x100

`--long` writes guides of real procedure-page length instead (600-1,500
words: an intro, a table of documents, 6-10 numbered steps, some with lists,
what happens next and a FAQ), the content print must condense to fit.
"""
import argparse
import os
import random
import shutil
import struct
import zlib

WORDS = ("đăng ký khai sinh thường trú tạm trú căn cước định danh điện tử hồ sơ trực tuyến lệ phí "
         "thanh toán ủy ban nhân dân phường xã người dân bộ phận một cửa cổng dịch vụ công quốc gia "
         "tài khoản mức hai giấy tờ chứng minh nơi ở hợp pháp kết quả bản điện tử theo dõi bổ sung "
         "cán bộ tiếp nhận xử lý thời hạn ngày làm việc đường dây nóng hỗ trợ bảo hiểm xã hội thuế").split()
VERBS = ["Chuẩn bị", "Đăng nhập", "Chọn", "Điền", "Đính kèm", "Nộp", "Theo dõi", "Nhận", "Kiểm tra", "Thanh toán"]
CATS = [("ho-tich", "Hộ tịch"), ("cu-tru", "Cư trú"), ("can-cuoc", "Căn cước"), ("kinh-doanh", "Kinh doanh"), ("thue", "Thuế")]


def sentence(rng, n):
    words = [rng.choice(WORDS) for _ in range(n)]
    return " ".join(words).capitalize() + "."


def para(rng, sentences=3):
    return " ".join(sentence(rng, rng.randint(8, 16)) for _ in range(sentences))


def png(path, w, h, seed):
    """A small valid PNG (solid colour + stripes), without any library."""
    rows = []
    for y in range(h):
        row = bytearray([0])
        for x in range(w):
            v = (x * 7 + y * 3 + seed * 11) % 256
            row += bytes([v, (v * 3) % 256, 200])
        rows.append(bytes(row))
    raw = b"".join(rows)

    def chunk(tag, data):
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data) & 0xFFFFFFFF)

    data = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
    data += chunk(b"IDAT", zlib.compress(raw, 6)) + chunk(b"IEND", b"")
    with open(path, "wb") as f:
        f.write(data)


def guide_body(rng, i, g, with_image):
    parts = [para(rng, 2), "> [!WARNING]\n> Không đọc mã xác thực (OTP) cho bất kỳ ai."]
    steps = rng.randint(3, 6)
    for s in range(1, steps + 1):
        text = para(rng, rng.randint(2, 4))
        parts.append(f"## Bước {s}: {rng.choice(VERBS)} {rng.choice(WORDS)} {rng.choice(WORDS)}\n\n{text}")
        if s == 1:
            parts.append("- " + sentence(rng, 8) + "\n- " + sentence(rng, 8) + "\n- " + sentence(rng, 8))
        if s == 2:
            other = (i + 1 + rng.randrange(g - 1)) % g
            parts.append(f"Xem thêm [hướng dẫn liên quan](guide:g{other:04d}).")
        if s == 2 and with_image:
            parts.append(f"![Màn hình bước {s} của hướng dẫn {i}](anh/g{i:04d}.png)")
    parts.append("## Lưu ý\n\n| Trường hợp | Lệ phí |\n|---|---:|\n| Nộp trực tiếp | 20.000 đ |\n| Nộp trực tuyến | 10.000 đ |")
    return "\n\n".join(parts) + "\n"


DOCS = ["Tờ khai theo mẫu", "Căn cước hoặc hộ chiếu còn hạn", "Giấy tờ chứng minh nơi ở hợp pháp",
        "Văn bản đồng ý của chủ hộ", "Giấy chứng sinh", "Giấy ủy quyền (nếu nộp thay)",
        "Ảnh chân dung 4x6 cm", "Giấy xác nhận tình trạng hôn nhân", "Bản sao sổ hộ khẩu cũ (nếu còn)"]


def long_body(rng, i, g):
    """A guide of real procedure-page length: 600-1,500 words."""
    parts = [para(rng, rng.randint(2, 4)), para(rng, 2)]
    rows = rng.sample(DOCS, rng.randint(4, 8))
    table = "| Giấy tờ | Bản | Số lượng |\n|---|---|---:|\n" + "\n".join(
        f"| {d} | {rng.choice(['Bản chính', 'Bản sao', 'Bản chụp'])} | {rng.randint(1, 2)} |" for d in rows)
    parts.append("Hồ sơ gồm:\n\n" + table)
    steps = rng.randint(6, 10)
    for s in range(1, steps + 1):
        text = "\n\n".join(para(rng, rng.randint(2, 4)) for _ in range(rng.randint(1, 3)))
        parts.append(f"## Bước {s}: {rng.choice(VERBS)} {rng.choice(WORDS)} {rng.choice(WORDS)} {rng.choice(WORDS)}\n\n{text}")
        if s % 3 == 1:
            parts.append("\n".join("- " + sentence(rng, rng.randint(6, 14)) for _ in range(rng.randint(2, 5))))
        if s == 2:
            other = (i + 1 + rng.randrange(g - 1)) % g
            parts.append(f"Xem thêm [hướng dẫn liên quan](guide:g{other:04d}).")
    parts.append("## Câu hỏi thường gặp")
    for _ in range(rng.randint(3, 6)):
        q = sentence(rng, rng.randint(6, 12))[:-1] + "?"
        parts.append(f"### {q}\n\n{para(rng, rng.randint(1, 3))}")
    return "\n\n".join(parts) + "\n"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--units", type=int, required=True)
    ap.add_argument("--guides", type=int, required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--seed", type=int, default=2026)
    ap.add_argument("--theme", default=os.path.join(os.path.dirname(__file__), "..", "themes"))
    ap.add_argument("--long", action="store_true", help="guides of real procedure-page length")
    a = ap.parse_args()
    rng = random.Random(a.seed)
    shutil.rmtree(a.out, ignore_errors=True)
    s = os.path.join(a.out, "sotay")
    h = os.path.join(a.out, "hugo")
    os.makedirs(os.path.join(s, "content", "units"))
    os.makedirs(os.path.join(s, "content", "pages"))
    shutil.copytree(a.theme, os.path.join(s, "themes"))

    cats = "\n".join(f"  - slug: {c}\n    name: \"{n}\"\n    description: \"{n}.\"" for c, n in CATS)
    with open(os.path.join(s, "content", "site.yaml"), "w") as f:
        f.write(f'''title: "Sổ tay thử tải"
slogan: "Hành chính thông minh - Tận tâm phục vụ"
description: "Bộ dữ liệu tổng hợp để đo tốc độ."
base_url: "https://bench.example.vn/"
unit_kinds:
  phuong: "Phường"
  xa: "Xã"
audiences:
  - slug: nguoi-dan
    name: "Người dân"
    description: "Mọi người dân."
categories:
{cats}
''')
    with open(os.path.join(s, "content", "pages", "gioi-thieu.md"), "w") as f:
        f.write('---\ntitle: "Giới thiệu"\nsummary: "Giới thiệu."\nlast_reviewed: 2026-11-01\n---\n\n' + para(rng, 3) + "\n")

    guides = []
    for i in range(a.guides):
        cat = CATS[i % len(CATS)][0]
        title = f"{rng.choice(VERBS)} {sentence(rng, 5)[:-1].lower()} {i}"
        with_image = i % 10 == 0
        body = long_body(rng, i, a.guides) if a.long else guide_body(rng, i, a.guides, with_image)
        front = (f'---\ntitle: "{title}"\nsummary: "{sentence(rng, 14)}"\naudiences: [nguoi-dan]\ncategory: {cat}\n'
                 f'where: "Ủy ban nhân dân xã, phường"\nfees:\n  - name: "Lệ phí"\n    rates:\n'
                 f'      - {{amount: 20000, channel: counter, basis: "Thông tư 75/2022/TT-BTC"}}\n'
                 f'      - {{amount: 10000, channel: online, basis: "Thông tư 75/2022/TT-BTC"}}\nprocessing_time:\n  text: "3 ngày làm việc"\nlast_reviewed: 2026-10-{1 + i % 28:02d}\n---\n\n')
        d = os.path.join(s, "content", "guides", cat)
        os.makedirs(os.path.join(d, "anh"), exist_ok=True)
        with open(os.path.join(d, f"g{i:04d}.md"), "w") as f:
            f.write(front + body)
        if with_image:
            png(os.path.join(d, "anh", f"g{i:04d}.png"), 540, 1170, i)
        guides.append((i, cat, title, body))

    units = []
    for u in range(a.units):
        kind = "phuong" if u % 3 else "xa"
        slug = f"{kind}-{u:03d}"
        units.append(slug)
        with open(os.path.join(s, "content", "units", f"{slug}.yaml"), "w") as f:
            f.write(f'name: "Ủy ban nhân dân {kind} số {u}"\nshort_name: "{"Phường" if kind == "phuong" else "Xã"} số {u}"\nkind: {kind}\n'
                    f'base_url: "https://bench.example.vn/{slug}/"\ncolour: "#0b5394"\naddress: "Bộ phận Một cửa"\nhours: ["8:00–17:00"]\nhotline: "1022"\n')
        if u % 10 == 0:  # a few unit overrides
            i, cat, title, body = guides[u % a.guides]
            d = os.path.join(s, "content", "units", slug, "guides")
            os.makedirs(d, exist_ok=True)
            src = open(os.path.join(s, "content", "guides", cat, f"g{i:04d}.md")).read()
            with open(os.path.join(d, f"g{i:04d}.md"), "w") as f:
                f.write(src.replace("## Lưu ý", "## Lưu ý riêng của đơn vị\n\n" + para(rng, 1) + "\n\n## Lưu ý"))
            if i % 10 == 0:
                os.makedirs(os.path.join(d, "anh"), exist_ok=True)
                shutil.copy(os.path.join(s, "content", "guides", cat, "anh", f"g{i:04d}.png"), os.path.join(d, "anh"))

    # The same pages for Hugo: shared guides mounted once per unit.
    shared = os.path.join(h, "shared")
    os.makedirs(shared)
    for i, cat, title, body in guides:
        body = body.replace("(guide:", "(/__U__/huong-dan/").replace("(anh/", "(/anh/")
        with open(os.path.join(shared, f"g{i:04d}.md"), "w") as f:
            f.write(f'---\ntitle: "{title}"\ncategories: ["{cat}"]\ndate: 2026-10-{1 + i % 28:02d}\n---\n\n{body}')
    # Images are resources, resized by a render hook as sotay resizes them
    # (360 and 720 px wide at most, Lanczos, JPEG quality 82, with srcset).
    os.makedirs(os.path.join(h, "assets", "anh"))
    for i, cat, _, _ in guides:
        if i % 10 == 0:
            shutil.copy(os.path.join(s, "content", "guides", cat, "anh", f"g{i:04d}.png"), os.path.join(h, "assets", "anh"))
    mounts = []
    for slug in units:
        os.makedirs(os.path.join(h, "content", slug), exist_ok=True)
        with open(os.path.join(h, "content", slug, "_index.md"), "w") as f:
            f.write(f'---\ntitle: "{slug}"\nhotline: "1022"\n---\n')
        mounts.append(f'[[module.mounts]]\nsource = "shared"\ntarget = "content/{slug}/huong-dan"\n')
    mounts.append('[[module.mounts]]\nsource = "content"\ntarget = "content"\n')
    mounts.append('[[module.mounts]]\nsource = "static"\ntarget = "static"\n')
    with open(os.path.join(h, "config.toml"), "w") as f:
        f.write('baseURL = "https://bench.example.vn/"\nlanguageCode = "vi"\ntitle = "Sổ tay thử tải"\n'
                'disableKinds = ["taxonomy", "term"]\n[markup.goldmark.renderer]\nunsafe = true\n'
                '[markup.goldmark.extensions]\ntable = true\nstrikethrough = true\ntaskList = true\n' + "".join(mounts))
    lay = os.path.join(h, "layouts", "_default")
    os.makedirs(lay)
    css = open(os.path.join(s, "themes", "default", "static", "style.css")).read()
    os.makedirs(os.path.join(h, "static", "assets"), exist_ok=True)
    with open(os.path.join(h, "static", "assets", "style.css"), "w") as f:
        f.write(css)
    with open(os.path.join(lay, "baseof.html"), "w") as f:
        f.write('<!doctype html><html lang="vi"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">'
                '<title>{{ .Title }}</title><link rel="stylesheet" href="/assets/style.css"></head><body><a class="skip" href="#noi-dung">Bỏ qua</a>'
                '<header class="masthead"><p>{{ with .Section }}{{ . }}{{ end }}</p><nav><a href="/">Trang chủ</a></nav></header>'
                '<main id="noi-dung">{{ block "main" . }}{{ end }}</main><footer class="footer"><p>Hành chính thông minh - Tận tâm phục vụ</p>'
                '<p>Đường dây nóng 1022</p></footer></body></html>')
    with open(os.path.join(lay, "single.html"), "w") as f:
        f.write('{{ define "main" }}<article><h1>{{ .Title }}</h1>{{ replace .Content "/__U__/" (printf "/%s/" .Section) | safeHTML }}'
                '<p>Cập nhật: {{ .Date.Format "02/01/2006" }}</p></article>{{ end }}')
    hooks = os.path.join(lay, "_markup")
    os.makedirs(hooks)
    with open(os.path.join(hooks, "render-image.html"), "w") as f:
        f.write('{{ with resources.Get (printf "anh/%s" (path.Base .Destination)) }}'
                '{{ $s := .Resize "360x jpg q82 Lanczos" }}{{ $l := .Resize (printf "%dx jpg q82 Lanczos" (cond (gt .Width 720) 720 .Width)) }}'
                '<img src="{{ $l.RelPermalink }}" srcset="{{ $s.RelPermalink }} 360w, {{ $l.RelPermalink }} {{ $l.Width }}w" '
                'sizes="(max-width: 400px) 100vw, 360px" width="{{ $l.Width }}" height="{{ $l.Height }}" alt="{{ $.Text }}" loading="lazy">{{ end }}')
    with open(os.path.join(lay, "list.html"), "w") as f:
        f.write('{{ define "main" }}<h1>{{ .Title }}</h1><ul>{{ range .RegularPagesRecursive }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ul>{{ end }}')
    same_outputs(h, os.path.join(a.out, "hugo-same"), guides)
    pages_only(s, os.path.join(a.out, "sotay-pages"))
    print(f"corpus: {a.units} units x {a.guides} guides in {a.out}")


def pages_only(s, out):
    """The sotay site again with widgets and the API switched off
    (`outputs:` in site.yaml, as a unit whose portal embeds nothing would):
    guide pages and lists, the HTML the plain Hugo site writes, plus the
    short links and search index sotay always writes."""
    shutil.copytree(s, out)
    with open(os.path.join(out, "content", "site.yaml"), "a", encoding="utf-8") as f:
        f.write("outputs:\n  widgets: false\n  api: false\n")


def same_outputs(h, out, guides):
    """The Hugo site again, made to write the files sotay writes for every
    guide page of every unit: the iframe page, the fragment, the oEmbed and
    API JSON (custom output formats, in one folder per guide as sotay's
    embeds are) and the short link (a relative alias, which Hugo resolves in
    each unit's mount), plus a JSON search index per unit. Same work, so the
    ratio compares the tools rather than how many files each one writes."""
    shutil.copytree(h, out)
    shared = os.path.join(out, "shared")
    for i, _, _, _ in guides:
        f = os.path.join(shared, f"g{i:04d}.md")
        text = open(f, encoding="utf-8").read()
        code = "".join("abcdefghjkmnpqrstuvwxyz23456789"[(i * 7919 + k * 104729) % 31] for k in range(4)) + f"{i:x}"
        with open(f, "w", encoding="utf-8") as fh:
            fh.write(text.replace("---\n", f'---\naliases: ["../g/{code}"]\n', 1))
    formats = "".join(
        f'[outputFormats.{name}]\nmediaType = "{media}"\npath = "nhung"\nbaseName = "{base}"\nisHTML = {str(media == "text/html").lower()}\nnotAlternative = true\n'
        for name, media, base in (("embed", "text/html", "index"), ("fragment", "text/html", "manh"),
                                  ("oembed", "application/json", "oembed"), ("api", "application/json", "api")))
    with open(os.path.join(out, "config.toml"), "a") as f:
        f.write(formats + '[outputs]\npage = ["html", "embed", "fragment", "oembed", "api"]\n'
                'section = ["html", "rss", "json"]\nhome = ["html", "rss"]\n')
    lay = os.path.join(out, "layouts", "_default")
    files = {
        "single.embed.html": '<!doctype html><html lang="vi"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">'
                             '<title>{{ .Title }}</title><link rel="stylesheet" href="/assets/style.css"><base target="_top"></head>'
                             '<body class="embed"><article><h1>{{ .Title }}</h1>{{ replace .Content "/__U__/" (printf "/%s/" .Section) | safeHTML }}</article>'
                             '<p><a href="{{ .Permalink }}">Xem đầy đủ</a></p></body></html>',
        "single.fragment.html": '<section class="sotay-guide" lang="vi"><h2>{{ .Title }}</h2>{{ replace .Content "/__U__/" (printf "/%s/" .Section) | safeHTML }}</section>',
        "single.oembed.json": '{"version":"1.0","type":"rich","title":{{ .Title | jsonify }},"provider_name":"Sổ tay",'
                              '"html":{{ printf "<iframe src=\\"%snhung/\\" title=\\"%s\\" loading=\\"lazy\\"></iframe>" .Permalink .Title | jsonify }},"width":640,"height":800}',
        "single.api.json": '{"title":{{ .Title | jsonify }},"url":{{ .Permalink | jsonify }},"date":{{ .Date.Format "2006-01-02" | jsonify }},'
                           '"html":{{ replace .Content "/__U__/" (printf "/%s/" .Section) | jsonify }}}',
        "list.json": '[{{ range $i, $p := .RegularPagesRecursive }}{{ if $i }},{{ end }}{"t":{{ $p.Title | jsonify }},"u":{{ $p.RelPermalink | jsonify }},"s":{{ $p.Summary | plainify | jsonify }}}{{ end }}]',
    }
    for name, text in files.items():
        with open(os.path.join(lay, name), "w", encoding="utf-8") as f:
            f.write(text)


if __name__ == "__main__":
    main()
