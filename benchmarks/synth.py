"""Synthetic arXiv libraries at realistic sizes, written as a Kaggle-snapshot JSON-lines file.

* titles of about 10 words and abstracts of about 1 kB, drawn from a Zipf-distributed
  vocabulary (a few hundred real science words at the head, then 60k pseudo-words), so the
  full-text index has the long tail and the very common terms a real corpus has;
* 1-8 authors per paper from 3k x 3k first/last names;
* arXiv-style ids from 1501.00001 on, one month per 15k papers, with 1-5 versions;
* probe words for the benchmark queries, at known rates (see PROBES).

`reader_state(n)` describes the reading list laid on top (statuses, read dates, summaries
with **bold** takeaways, tags): 0.5% of the papers, and ten read in the current week so
`readr export --week` has a digest to write.

Deterministic for a given N and seed. Standard library only.
"""

from __future__ import annotations

import bisect
import itertools
import json
import random
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Iterator

SEED = 20240601
HEAD_WORDS = (
    "the of and in a to is we for that with on by this as are an be from at which model results show "
    "data our method these can using quantum field theory learning network neural approach paper "
    "study two new based state also systems time energy one problem energy present large high "
    "analysis order phase function magnetic between spin dynamics proposed performance structure "
    "properties first such non study effect different has show find low point space general case "
    "both where have than its it not number matter dark galaxies mass star stellar black hole graph "
    "algorithm optimal linear training deep language image classification robust efficient finite "
    "temperature superconducting topological lattice symmetry gauge boundary equation equations "
    "solutions existence random stochastic process processes probability distribution estimate "
    "estimation inference bayesian prior posterior sample samples simulation simulations numerical "
    "experimental measurements observed observations detector collider scattering cross section "
    "neutrino higgs boson decay decays quark gluon qcd supersymmetric cosmological inflation "
    "gravitational waves relativity spacetime entanglement qubit qubits coherence photon optical "
    "laser cavity transport electron electrons band gap semiconductor materials crystal surface "
    "thin films interface molecular chemical protein cells biological population evolution social "
    "economic policy market agents game games control reinforcement policy reward robot robotic "
    "vision segmentation detection generative adversarial diffusion transformer attention embedding "
    "representation representations convergence bound bounds theorem prove proof conjecture "
    "manifold manifolds algebra algebras group groups operator operators spectral eigenvalues "
    "matrix matrices tensor sparse low-rank compressed sensing signal signals communication wireless "
    "channel channels coding codes error correction"
).split()
SYLLABLES = (
    "ba be bi bo bu ca ce ci co cu da de di do du fa fe fi fo ga ge gi go ka ke ki ko la le li lo lu "
    "ma me mi mo mu na ne ni no nu pa pe pi po pu ra re ri ro ru sa se si so su ta te ti to tu va ve "
    "vi vo za ze zi zo tra tre tri pro pre bri cla cle gra gro pla ple sta ste sto stra"
).split()
FIRST = ("Ada Alan Barbara Chen Daniel Elena Fatima Grace Hiro Ines Jun Karim Lena Maria Noor Omar "
         "Priya Qing Rosa Sven Tariq Uma Vera Wei Xin Yusuf Zoe").split()
LAST = ("Lovelace Turing Liskov Wang Rossi Novak Haddad Hopper Tanaka Garcia Kim Nasser Schmidt Silva "
        "Khan Farouk Patel Zhang Lopez Berg Aziz Iyer Petrova Liu Chen Okafor Dubois").split()
CATEGORIES = ("cs.LG hep-ph quant-ph astro-ph.GA cond-mat.str-el math.AP cs.CV hep-th cs.CL "
              "math.PR stat.ML gr-qc cond-mat.mes-hall physics.optics math.CO cs.DS nucl-th "
              "q-bio.NC econ.TH eess.SP").split()
TAGS = ("to-discuss reading-group graphs transformers theory benchmark replication survey "
        "datasets optimization physics-ml favourite teaching").split()
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")

VOCABULARY = 60_000
ZIPF_S = 1.07
POOL = 4_000_000  # pre-drawn Zipf words; abstracts are windows of it at random offsets
PAPERS_PER_MONTH = 15_000

# Probe words for the benchmark queries: (word, one paper in every k carries it in its abstract).
PROBES = {"rare": ("zeolitic", 5_000)}


@dataclass
class Vocabulary:
    words: list[str]
    pool: list[str]


def _pseudo_words(rng: random.Random, count: int, taken: set[str]) -> list[str]:
    out: list[str] = []
    while len(out) < count:
        word = "".join(rng.choice(SYLLABLES) for _ in range(rng.choice((2, 3, 3, 4))))
        if word not in taken:
            taken.add(word)
            out.append(word)
    return out


def vocabulary(seed: int = SEED) -> Vocabulary:
    rng = random.Random(seed)
    head = list(dict.fromkeys(HEAD_WORDS))
    taken = set(head) | {w for w, _ in PROBES.values()}
    words = head + _pseudo_words(rng, VOCABULARY - len(head), taken)
    weights = [1.0 / (rank ** ZIPF_S) for rank in range(1, len(words) + 1)]
    cum = list(itertools.accumulate(weights))
    total = cum[-1]
    pool = [words[bisect.bisect_left(cum, rng.random() * total)] for _ in range(POOL)]
    return Vocabulary(words, pool)


def arxiv_id(index: int) -> tuple[str, date]:
    """The id and v1 date of paper `index` (0-based): 1501.00001 onwards, 15k papers a month."""
    month, number = divmod(index, PAPERS_PER_MONTH)
    year, mon = 2015 + month // 12, month % 12 + 1
    day = 1 + number * 28 // PAPERS_PER_MONTH
    return f"{year % 100:02d}{mon:02d}.{number + 1:05d}", date(year, mon, day)


def _kaggle_date(day: date, seconds: int) -> str:
    clock_time = f"{seconds // 3600:02d}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"
    return f"{DAYS[day.weekday()]}, {day.day} {MONTHS[day.month - 1]} {day.year} {clock_time} GMT"


def papers(n: int, seed: int = SEED, vocab: Vocabulary | None = None) -> Iterator[dict]:
    """N paper records in the Kaggle snapshot format."""
    vocab = vocab or vocabulary(seed)
    rng = random.Random(seed + 1)
    pool, span = vocab.pool, len(vocab.pool) - 400
    rare_word, rare_every = PROBES["rare"]
    for i in range(n):
        ident, v1 = arxiv_id(i)
        start = rng.randrange(span)
        title_words = pool[start : start + rng.randint(7, 13)]
        start = rng.randrange(span)
        abstract_words = pool[start : start + rng.randint(120, 190)]  # ~1 kB
        if i % rare_every == rare_every // 2:
            abstract_words = abstract_words[:5] + [rare_word] + abstract_words[5:]
        title = " ".join(title_words).capitalize()
        # hard-wrapped lines, like arXiv's
        lines = [" ".join(abstract_words[k : k + 12]) for k in range(0, len(abstract_words), 12)]
        lines[0] = lines[0].capitalize()
        lines[-1] += "."
        k = rng.randint(1, 8)
        authors = [(last + str(num), first) for last, first, num in
                   zip(rng.choices(LAST, k=k), rng.choices(FIRST, k=k), rng.choices(range(100), k=k))]
        categories = rng.sample(CATEGORIES, rng.randint(1, 3))
        versions = []
        day = v1
        for v in range(1, rng.choice((1, 1, 1, 2, 2, 3, 5)) + 1):
            versions.append({"version": f"v{v}", "created": _kaggle_date(day, rng.randrange(86400))})
            day = day + timedelta(days=rng.randint(5, 200))
        yield {
            "id": ident,
            "submitter": f"{authors[0][1]} {authors[0][0]}",
            "authors": ", ".join(f"{first} {last}" for last, first in authors),
            "title": title,
            "comments": f"{rng.randint(4, 40)} pages, {rng.randint(1, 12)} figures",
            "journal-ref": None,
            "doi": None,
            "report-no": None,
            "categories": " ".join(categories),
            "license": None,
            "abstract": "  " + "\n".join(lines) + "\n",
            "versions": versions,
            "update_date": day.isoformat(),
            "authors_parsed": [[last, first, ""] for last, first in authors],
        }


def write_kaggle(path: Path, n: int, seed: int = SEED) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".partial")
    with open(tmp, "w", encoding="utf-8") as handle:
        for record in papers(n, seed):
            handle.write(json.dumps(record, ensure_ascii=False))
            handle.write("\n")
    tmp.replace(path)
    return path


@dataclass
class ReaderPaper:
    arxiv_id: str
    status: str
    read_at: datetime | None
    summary: str
    tags: list[str]


def reader_state(n: int, seed: int = SEED, today: date | None = None) -> list[ReaderPaper]:
    """The reading list on top of the catalogue: 0.5% of the papers (at least 20)."""
    rng = random.Random(seed + 2)
    today = today or date.today()
    count = min(n, max(20, n // 200))
    chosen = sorted(rng.sample(range(n), count))
    out = []
    for k, index in enumerate(chosen):
        ident, _ = arxiv_id(index)
        if k < 10:
            status = "read"
            monday = datetime.combine(today - timedelta(days=today.weekday()), datetime.min.time())
            read_at = monday + timedelta(minutes=10 * k + 1)
        else:
            status = rng.choice(("inbox", "to-read", "to-read", "reading", "read", "read", "read", "dismissed"))
            read_at = (datetime.combine(today, datetime.min.time()) - timedelta(days=rng.randint(8, 900), minutes=k)
                       if status == "read" else None)
        summary = ""
        if status == "read" or rng.random() < 0.2:
            words = " ".join(rng.choice(HEAD_WORDS) for _ in range(rng.randint(20, 60)))
            key = " ".join(rng.choice(HEAD_WORDS) for _ in range(rng.randint(4, 9)))
            summary = f"{words.capitalize()}. **{key.capitalize()}.** {words[:80]}."
        tags = rng.sample(TAGS, rng.choice((0, 1, 1, 2, 3)))
        out.append(ReaderPaper(ident, status, read_at, summary, tags))
    return out


# --- the same papers with LaTeX in them, as JSON lines and as BibTeX --------------------------------

# What arXiv metadata and bibliographies hold: inline math in abstracts, accented names written as
# TeX macros, words protected by braces and en dashes in titles.
TEX_MATH = (r"$\alpha$", r"$O(n \log n)$", r"$\mathcal{N}=4$", r"$10^{-3}$", r"$\sqrt{s} = 13$ TeV",
            r"$\ell_1$", r"$k$", r"$\chi^2$", r"$p<0.05$", r"$\epsilon$-net")
TEX_NAMES = (r"M{\"u}ller", r"Jos\'e", r"G{\"o}del", r"Fran\c{c}ois", r"{\O}stergaard", r"Stra{\ss}e",
             r"Dvo\v{r}\'ak", r"Erd\H{o}s", r"Ga{\"e}l", r"{\AA}ngstr{\"o}m", r"Mu\~noz", r"Ni{\~n}o")
TEX_TITLE_WORDS = (r"{B}ayesian", r"{M}onte {C}arlo", r"\emph{ab initio}", r"{LSTM}", "2--3", r"{\'E}tude")


def papers_with_tex(n: int, seed: int = SEED) -> Iterator[dict]:
    """papers(n) with LaTeX laid in: inline math in 40% of the abstracts, an accented author in
    20% of the papers, a brace-protected word or an en dash in 10% of the titles."""
    rng = random.Random(seed + 3)
    for record in papers(n, seed):
        if rng.random() < 0.4:
            lines = record["abstract"].split("\n")
            row = rng.randrange(len(lines) - 1)
            lines[row] += " " + " ".join(rng.sample(TEX_MATH, rng.randint(1, 3)))
            record["abstract"] = "\n".join(lines)
        if rng.random() < 0.2:
            last, first, _ = record["authors_parsed"][0]
            record["authors_parsed"][0] = [rng.choice(TEX_NAMES), first, ""]
            record["authors"] = ", ".join(f"{f} {la}" for la, f, _ in record["authors_parsed"])
        if rng.random() < 0.1:
            record["title"] += " " + rng.choice(TEX_TITLE_WORDS)
        yield record


def bibtex_entry(record: dict) -> str:
    """A Kaggle record as the @article entry a reference manager would export for it."""
    authors = " and ".join(f"{last}, {first}" for last, first, _ in record["authors_parsed"])
    year = "20" + record["id"][:2]
    abstract = " ".join(record["abstract"].split())
    primary = record["categories"].split()[0]
    cite_key = re.sub(r"[^A-Za-z]", "", record["authors_parsed"][0][0]) + year + "_" + record["id"]
    return (f"@article{{{cite_key},\n"
            f"  author = {{{authors}}},\n  title = {{{record['title']}}},\n  journal = {{arXiv preprint}},\n"
            f"  year = {{{year}}},\n  eprint = {{{record['id']}}},\n  archivePrefix = {{arXiv}},\n"
            f"  primaryClass = {{{primary}}},\n  abstract = {{{abstract}}},\n}}\n")


def write_tex_pair(folder: Path, n: int, seed: int = SEED) -> tuple[Path, Path]:
    """The same n papers (papers_with_tex) as Kaggle JSON lines and as a .bib file."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    jsonl, bib = folder / f"tex-{n}.jsonl", folder / f"tex-{n}.bib"
    if not (jsonl.exists() and bib.exists()):
        partial = {path: path.with_name(path.name + ".partial") for path in (jsonl, bib)}
        with open(partial[jsonl], "w", encoding="utf-8") as lines, open(partial[bib], "w", encoding="utf-8") as entries:
            for record in papers_with_tex(n, seed):
                lines.write(json.dumps(record, ensure_ascii=False) + "\n")
                entries.write(bibtex_entry(record) + "\n")
        for path, temporary in partial.items():
            temporary.replace(path)
    return jsonl, bib
