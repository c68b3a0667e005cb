"""Record linkage on small synthetic Indonesian datasets (a few hundred records)."""

from __future__ import annotations

import dataclasses
import datetime
import json
import random
from collections import Counter
from pathlib import Path

import pytest

from benteng.core.linkage import (
    DEFAULT_THRESHOLD,
    MODEL_FORMAT,
    DuckDBBackend,
    LinkageModel,
    LinkageResult,
    TrainingOptions,
    default_backend_for,
    link_records,
    prepare_features,
    train_linker,
    unlinked,
)
from benteng.core.names import name_key
from benteng.core.records import IdentityRecord

GIVEN = [
    "Siti", "Nur", "Dewi", "Ahmad", "Muhammad", "Agus", "Budi", "Joko", "Sri", "Rina",
    "Yusuf", "Saiful", "Fitri", "Zaenal", "Hendra", "Wahyu", "Eko", "Ratna", "Indah", "Rizki",
]  # fmt: skip
FAMILY = [
    "Hayati", "Aminah", "Rahman", "Santoso", "Suryani", "Hidayat", "Lestari", "Pratama",
    "Susilo", "Kurniawan", "Wijaya", "Saputra", "Handayani", "Setiawan", "Maulana", "Fauzi",
    "Rohmah", "Syahputra", "Permana", "Ramdani", "Nugroho", "Sukarno", "Hasanah", "Fadilah",
]  # fmt: skip
PLACES = ["Serang", "Pandeglang", "Lebak", "Tangerang", "Cilegon"]

# Variations the Indonesian features are built to absorb (old spelling, Muhammad family,
# titles, joined parts, Sundanese p/f and j/z), applied to a person's written name.
SPELLING = {
    "Sukarno": "Soekarno",
    "Joko": "Djoko",
    "Susilo": "Soesilo",
    "Yusuf": "Jusuf",
    "Saiful": "Saepul",
    "Fitri": "Pitri",
    "Zaenal": "Jaenal",
    "Muhammad": "Moch.",
}


def _variant(name: str, rng: random.Random) -> str:
    parts = name.split()
    kind = rng.randrange(6)
    if kind == 0:
        parts = [SPELLING.get(p, p) for p in parts]
    elif kind == 1:
        parts = ["H." if rng.random() < 0.5 else "Hj.", *parts, "S.Pd."]
    elif kind == 2 and len(parts) >= 2:
        parts = [parts[-1], *parts[:-1]]
    elif kind == 3 and len(parts) >= 2:
        parts = [parts[0] + parts[1].lower(), *parts[2:]]
    elif kind == 4:
        word = rng.randrange(len(parts))
        token = parts[word]
        if len(token) > 3:
            pos = rng.randrange(1, len(token) - 1)
            token = token[:pos] + token[pos + 1] + token[pos] + token[pos + 2 :]
        parts[word] = token
    return " ".join(parts).upper() if rng.random() < 0.3 else " ".join(parts)


def _nik(rng: random.Random, born: datetime.date, sex: str) -> str:
    day = born.day + (40 if sex == "P" else 0)
    region = rng.choice(["360101", "360203", "360305", "360411", "367101"])
    return f"{region}{day:02d}{born.month:02d}{born.year % 100:02d}{rng.randrange(1, 9999):04d}"


def make_people(n_people: int, seed: int) -> tuple[list[IdentityRecord], dict[str, str]]:
    """Canonical records plus 0-2 corrupted duplicates each; returns (records, id -> person).

    Names come from small lists, so different people often share a name: the model must
    use birth date, NIK and phone to tell them apart.
    """
    rng = random.Random(seed)
    records: list[IdentityRecord] = []
    truth: dict[str, str] = {}
    for p in range(n_people):
        sex = rng.choice("LP")
        name = f"{rng.choice(GIVEN)} {rng.choice(FAMILY)}"
        if rng.random() < 0.4:
            name += f" {rng.choice(FAMILY)}"
        born = datetime.date(1960, 1, 1) + datetime.timedelta(days=rng.randrange(15000))
        nik = _nik(rng, born, sex)
        phone = f"628{rng.randrange(10**9, 10**10)}"
        place = rng.choice(PLACES)
        person = f"P{p:04d}"
        base = IdentityRecord(
            id=f"{person}-0", name=name, birth_date=born, sex=sex, nik=nik,
            birth_place=place, phone=phone,
        )  # fmt: skip
        records.append(base)
        truth[base.id] = person
        if rng.random() < 0.15:
            # a neighbour: another person of the same sex born the same day in the same
            # kecamatan (the NIK differs in the serial only), under another name
            neighbour = f"N{p:04d}"
            records.append(
                IdentityRecord(
                    id=f"{neighbour}-0",
                    name=f"{rng.choice(GIVEN)} {rng.choice(FAMILY)}",
                    birth_date=born,
                    sex=sex,
                    nik=f"{nik[:12]}{(int(nik[12:]) + 1) % 10000:04d}",
                    birth_place=place,
                    phone=f"628{rng.randrange(10**9, 10**10)}",
                )
            )
            truth[f"{neighbour}-0"] = neighbour
        for d in range(1, rng.choice((1, 1, 2, 3))):
            dup_born: datetime.date | None = born
            if rng.random() < 0.15 and born.day <= 12:
                dup_born = datetime.date(born.year, born.day, born.month)
            elif rng.random() < 0.1:
                dup_born = None
            elif rng.random() < 0.1 and not (born.month == 2 and born.day == 29):
                dup_born = born.replace(year=born.year + rng.choice((-1, 1, -10, 10)))
            dup_nik: str | None = nik if rng.random() < 0.7 else None
            if dup_nik and rng.random() < 0.15:
                i = rng.randrange(12, 16)
                dup_nik = dup_nik[:i] + str((int(dup_nik[i]) + 1) % 10) + dup_nik[i + 1 :]
            dup = IdentityRecord(
                id=f"{person}-{d}",
                name=_variant(name, rng),
                birth_date=dup_born,
                sex=sex,
                nik=dup_nik,
                birth_place=place if rng.random() < 0.8 else None,
                phone=phone if rng.random() < 0.5 else None,
            )
            records.append(dup)
            truth[dup.id] = person
    rng.shuffle(records)
    return records, truth


def true_pairs(ids: list[str], truth: dict[str, str]) -> set[frozenset[str]]:
    by_person: dict[str, list[str]] = {}
    for record_id in ids:
        by_person.setdefault(truth[record_id], []).append(record_id)
    return {
        frozenset((a, b))
        for members in by_person.values()
        for i, a in enumerate(members)
        for b in members[i + 1 :]
    }


def f1(found: set[frozenset[str]], expected: set[frozenset[str]]) -> tuple[float, float, float]:
    hits = len(found & expected)
    precision = hits / len(found) if found else 0.0
    recall = hits / len(expected)
    return precision, recall, 2 * precision * recall / (precision + recall or 1)


@pytest.fixture(scope="module")
def people() -> tuple[list[IdentityRecord], dict[str, str]]:
    return make_people(160, seed=11)


@pytest.fixture(scope="module")
def model(people: tuple[list[IdentityRecord], dict[str, str]]) -> LinkageModel:
    records, _ = people
    return train_linker(records, options=TrainingOptions(seed=3))


@pytest.fixture(scope="module")
def dedupe_result(
    model: LinkageModel, people: tuple[list[IdentityRecord], dict[str, str]]
) -> LinkageResult:
    records, _ = people
    return link_records(model, records)


def test_dedupe_finds_duplicates_without_merging_namesakes(
    people: tuple[list[IdentityRecord], dict[str, str]], dedupe_result: LinkageResult
) -> None:
    # given a dataset where people share common names and duplicates are corrupted
    records, truth = people
    expected = true_pairs([r.id for r in records], truth)
    # when deduplicated at the default threshold
    found = {frozenset((p.id_l, p.id_r)) for p in dedupe_result.pairs}
    # then nearly all duplicates are found and namesakes stay apart
    precision, recall, score = f1(found, expected)
    assert precision >= 0.97, (precision, recall)
    assert recall >= 0.9, (precision, recall)
    assert score >= 0.93


def test_pairs_are_sorted_scored_and_above_threshold(dedupe_result: LinkageResult) -> None:
    probabilities = [p.probability for p in dedupe_result.pairs]
    assert probabilities == sorted(probabilities, reverse=True)
    assert all(DEFAULT_THRESHOLD <= p <= 1.0 for p in probabilities)
    assert all(p.id_l != p.id_r for p in dedupe_result.pairs)


def test_clusters_cover_every_record_once_and_contain_linked_pairs(
    people: tuple[list[IdentityRecord], dict[str, str]], dedupe_result: LinkageResult
) -> None:
    records, _ = people
    cluster_of = {m.id: m.cluster_id for m in dedupe_result.clusters}
    assert len(dedupe_result.clusters) == len(records)
    assert set(cluster_of) == {r.id for r in records}
    assert all(m.source == "left" for m in dedupe_result.clusters)
    for pair in dedupe_result.pairs:
        assert cluster_of[pair.id_l] == cluster_of[pair.id_r]
    sizes = Counter(cluster_of.values())
    assert max(sizes.values()) <= 4  # nobody is merged into a big namesake blob


@pytest.mark.parametrize(
    ("written", "variant"),
    [
        pytest.param("Muhammad Sukarno", "H. Moch. Soekarno", id="muhammad-title-spelling"),
        pytest.param("Nur Hayati", "Nurhayati", id="joined-name"),
        pytest.param("Saiful Anwar", "Saepul Anwar", id="sundanese-p-for-f"),
        pytest.param("Dewi Lestari", "Lestari Dewi", id="order"),
    ],
)
def test_indonesian_name_variants_link_with_same_birth_date(
    model: LinkageModel, written: str, variant: str
) -> None:
    # given two records of one person, written differently, with the same birth date
    born = datetime.date(1988, 3, 21)
    records = [
        IdentityRecord(id="a", name=written, birth_date=born, sex="L", birth_place="Serang"),
        IdentityRecord(id="b", name=variant, birth_date=born, sex="L", birth_place="Serang"),
        IdentityRecord(id="c", name="Budi Santoso", birth_date=datetime.date(1970, 1, 2)),
    ]
    # when scored with the trained model
    result = link_records(model, records)
    # then only the pair of that person is linked
    assert [(p.id_l, p.id_r) for p in result.pairs] == [("a", "b")]


def test_day_month_swap_counts_as_agreement(model: LinkageModel) -> None:
    # given one person whose day and month were swapped, and a namesake born elsewhen
    name = "Rina Handayani"
    records = [
        IdentityRecord(id="a", name=name, birth_date=datetime.date(1990, 4, 7), sex="P"),
        IdentityRecord(id="b", name=name, birth_date=datetime.date(1990, 7, 4), sex="P"),
        IdentityRecord(id="c", name=name, birth_date=datetime.date(1983, 9, 4), sex="P"),
    ]
    # when scored
    result = link_records(model, records, threshold=0.001)
    scores = {(p.id_l, p.id_r): p.probability for p in result.pairs}
    # then the swap is evidence for a match, a different date evidence against it
    assert scores[("a", "b")] > 0.5
    assert scores.get(("a", "c"), 0.0) < 0.01
    assert scores.get(("b", "c"), 0.0) < 0.01


def test_namesakes_with_different_birth_date_and_nik_do_not_link(model: LinkageModel) -> None:
    records = [
        IdentityRecord(id="a", name="Siti Aminah", birth_date=datetime.date(1985, 2, 14),
                       nik="3601015402850001", sex="P", phone="6281234567890"),
        IdentityRecord(id="b", name="Siti Aminah", birth_date=datetime.date(1979, 11, 3),
                       nik="3603054311790007", sex="P", phone="6285711112222"),
    ]  # fmt: skip
    result = link_records(model, records)
    assert result.pairs == []
    assert len({m.cluster_id for m in result.clusters}) == 2


def test_link_two_datasets_puts_left_ids_first(
    model: LinkageModel, people: tuple[list[IdentityRecord], dict[str, str]]
) -> None:
    # given the originals on the left and the duplicates on the right
    records, truth = people
    left = [r for r in records if r.id.endswith("-0")]
    right = [r for r in records if not r.id.endswith("-0")]
    # when linked
    result = link_records(model, left, right)
    # then every pair goes left -> right and most duplicates find their original
    left_ids = {r.id for r in left}
    right_ids = {r.id for r in right}
    assert result.pairs
    assert all(p.id_l in left_ids and p.id_r in right_ids for p in result.pairs)
    correct = sum(truth[p.id_l] == truth[p.id_r] for p in result.pairs)
    assert correct / len(result.pairs) >= 0.97
    assert correct / len(right) >= 0.9
    sources = Counter(m.source for m in result.clusters)
    assert sources == {"left": len(left), "right": len(right)}


def test_train_on_two_datasets_links_them(
    people: tuple[list[IdentityRecord], dict[str, str]],
) -> None:
    records, truth = people
    left = [r for r in records if r.id.endswith("-0")]
    right = [r for r in records if r.id.endswith("-1")]
    model = train_linker(left, right, options=TrainingOptions(seed=5))
    assert model.trained_on["link_type"] == "link_only"
    result = link_records(model, left, right)
    correct = sum(truth[p.id_l] == truth[p.id_r] for p in result.pairs)
    assert correct >= 0.9 * len(right)
    assert correct / len(result.pairs) >= 0.97


def test_saved_model_scores_the_same_without_retraining(
    tmp_path: Path,
    model: LinkageModel,
    people: tuple[list[IdentityRecord], dict[str, str]],
    dedupe_result: LinkageResult,
) -> None:
    records, _ = people
    path = tmp_path / "model.json"
    model.save(path)
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["format"] == MODEL_FORMAT
    assert data["splink_settings"]["comparisons"][0]["output_column_name"] == "name"
    loaded = LinkageModel.load(path)
    again = link_records(loaded, records)
    assert [(p.id_l, p.id_r) for p in again.pairs] == [
        (p.id_l, p.id_r) for p in dedupe_result.pairs
    ]
    assert [p.probability for p in again.pairs] == pytest.approx(
        [p.probability for p in dedupe_result.pairs]
    )


def test_model_trained_parameters_come_from_the_data(model: LinkageModel) -> None:
    name = model.splink_settings["comparisons"][0]["comparison_levels"]
    exact = next(level for level in name if level.get("label_for_charts", "").startswith("Same"))
    # agreement on the name is far more likely for matches than for random pairs
    assert exact["m_probability"] > 10 * exact["u_probability"]
    assert 0 < model.splink_settings["probability_two_random_records_match"] < 0.1
    assert set(model.fields) >= {"birth_date", "nik", "sex", "phone", "birth_place"}
    assert "passport_no" not in model.fields  # no values in the data: no comparison


def test_model_settings_translate_to_spark_sql(model: LinkageModel) -> None:
    settings = model.settings_for("dedupe_only", "spark")
    name_levels = settings["comparisons"][0]["comparison_levels"]
    assert any("jaro_winkler(" in level["sql_condition"] for level in name_levels)
    trained = model.splink_settings["comparisons"][0]["comparison_levels"]
    assert [lv.get("m_probability") for lv in name_levels] == [
        lv.get("m_probability") for lv in trained
    ]


@pytest.mark.parametrize(
    "content",
    [
        pytest.param("{}", id="no-format"),
        pytest.param('{"format": "other/1"}', id="wrong-format"),
        pytest.param("not json", id="not-json"),
        pytest.param("[1, 2]", id="not-object"),
    ],
)
def test_load_rejects_files_that_are_not_models(tmp_path: Path, content: str) -> None:
    path = tmp_path / "model.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ValueError):
        LinkageModel.load(path)


def test_load_rejects_model_from_other_comparisons(tmp_path: Path, model: LinkageModel) -> None:
    data = model.to_dict()
    data["splink_settings"]["comparisons"][0]["comparison_levels"].pop()
    with pytest.raises(ValueError, match="train it again"):
        LinkageModel.from_dict(data).settings_for("dedupe_only", "duckdb")


def test_threshold_filters_pairs(model: LinkageModel) -> None:
    born = datetime.date(1975, 5, 5)
    records = [
        IdentityRecord(id="a", name="Agus Setiawan", birth_date=born),
        IdentityRecord(id="b", name="Agus Setiawan", birth_date=born),
    ]
    loose = link_records(model, records, threshold=0.01)
    assert len(loose.pairs) == 1
    above = loose.pairs[0].probability
    strict = link_records(model, records, threshold=min(0.999999, above + (1 - above) / 2))
    assert strict.pairs == []
    assert len({m.cluster_id for m in strict.clusters}) == 2
    for bad in (0.0, 1.0, -0.5, 1.5):
        with pytest.raises(ValueError, match="threshold"):
            link_records(model, records, threshold=bad)


def test_nothing_to_compare_gives_singletons(model: LinkageModel) -> None:
    one = [IdentityRecord(id="x", name="Eko Nugroho")]
    result = link_records(model, one)
    assert result.pairs == []
    assert [(m.id, m.cluster_id) for m in result.clusters] == [("x", "1")]
    assert unlinked(one, []).clusters == result.clusters
    with pytest.raises(ValueError, match="two records"):
        train_linker(one)


def test_duplicate_ids_are_rejected(model: LinkageModel) -> None:
    records = [IdentityRecord(id="x", name="Eko"), IdentityRecord(id="x", name="Eko N")]
    with pytest.raises(ValueError, match="duplicate id 'x'"):
        link_records(model, records)


def test_block_keys_of_frequent_names_are_salted_then_dropped() -> None:
    # given five records of one frequent name, two of them born in the same year
    born = [datetime.date(1990, 1, 1), datetime.date(1990, 6, 1), datetime.date(1991, 1, 1),
            None, datetime.date(1992, 1, 1)]  # fmt: skip
    records = [
        IdentityRecord(id=str(i), name="Siti Aminah", birth_date=b) for i, b in enumerate(born)
    ]
    rare = IdentityRecord(id="r", name="Zaenal Arifin")
    # when features are prepared with a block cap of 2
    (table,) = prepare_features([[*records, rare]], block_cap=2)
    keys = table.column("name_key_blk").to_pylist()
    # then the frequent key is salted with the year, keys without a year are dropped,
    # and the rare name keeps its plain key
    siti = name_key("Siti Aminah")
    assert keys[:5] == [f"{siti}|1990", f"{siti}|1990", f"{siti}|1991", None, f"{siti}|1992"]
    assert keys[5] == name_key("Zaenal Arifin")
    (tight,) = prepare_features([records], block_cap=1)
    assert tight.column("name_key_blk").to_pylist()[:2] == [None, None]  # salted, still too big


def test_features_fold_names_dates_and_identifiers() -> None:
    record = IdentityRecord(
        id="1", name="Hj. Siti Nurhayati binti Ahmad, S.Pd.", birth_date=datetime.date(1980, 11, 3),
        nik="3601014311800005", phone="6281234567890", passport_no="c 1234567",
        address="Jl. Merdeka No. 5, Kp. Cibodas", birth_place="  SERANG ",
    )  # fmt: skip
    (table,) = prepare_features([[record]])
    row = table.to_pylist()[0]
    assert row["name_key"] == "hayatinursiti"
    assert row["name_flat"] == "sitinurhayati"
    assert row["phon_toks"] and len(row["phon_toks"]) == 3
    assert (row["dob"], row["dob_y"], row["dob_m"], row["dob_d"]) == ("1980-11-03", 1980, 11, 3)
    assert row["dob_sorted"] == "1980-03-11"
    # the NIK without its serial, without its birth day and month, without its region
    assert (row["nik_c_blk"], row["nik_b_blk"], row["nik_a_blk"]) == (
        "360101431180",
        "360101800005",
        "4311800005",
    )
    assert row["passport_no"] == "C1234567"
    assert row["address"] == "jalan merdeka 5 kampung cibodas"
    assert row["birth_place"] == "serang"


def test_other_identifier_numbers_are_split_in_thirds_for_blocking() -> None:
    record = IdentityRecord(id="1", name="Budi", nik="1234567")
    (table,) = prepare_features([[record]])
    row = table.to_pylist()[0]
    assert (row["nik_a_blk"], row["nik_b_blk"], row["nik_c_blk"]) == ("34567", "12567", "1234")


def test_duckdb_settings_are_checked(model: LinkageModel) -> None:
    records = [IdentityRecord(id="a", name="Eko"), IdentityRecord(id="b", name="Eko")]
    with pytest.raises(ValueError, match="memory_limit"):
        link_records(model, records, backend=DuckDBBackend(memory_limit="lots"))
    with pytest.raises(ValueError, match="temp_directory"):
        link_records(model, records, backend=DuckDBBackend(temp_directory="spill'; --"))
    result = link_records(model, records, backend=DuckDBBackend(threads=1, memory_limit="1GB"))
    assert len(result.clusters) == 2


def test_backend_recommendation_by_size() -> None:
    assert default_backend_for(1_000_000) == "duckdb"
    assert default_backend_for(200_000_000) == "spark"


def test_field_missing_on_one_side_of_a_link_gets_no_comparison(
    people: tuple[list[IdentityRecord], dict[str, str]],
) -> None:
    records, _ = people
    left = [r for r in records if r.id.endswith("-0")]
    right = [dataclasses.replace(r, phone=None) for r in records if r.id.endswith("-1")]
    model = train_linker(left, right, options=TrainingOptions(seed=5))
    assert "phone" not in model.fields
    assert {"birth_date", "nik"} <= set(model.fields)


# --- what issue 12 found in the screening engine, in `benteng link` too --------------------


def test_people_born_the_same_day_in_the_same_kecamatan_are_not_linked(
    model: LinkageModel,
) -> None:
    # given two women born the same day in the same kecamatan: their NIKs differ only in the
    # serial (digits 13-16), their names share nothing
    born = datetime.date(1995, 3, 12)
    records = [
        IdentityRecord(id="a", name="Rina Handayani", birth_date=born, sex="P",
                       nik="3603055203950001", birth_place="Tangerang"),
        IdentityRecord(id="b", name="Dewi Kurniawan", birth_date=born, sex="P",
                       nik="3603055203950002", birth_place="Tangerang"),
    ]  # fmt: skip
    # when scored
    result = link_records(model, records, threshold=0.001)
    # then the serial is not read as a typing error: not linked
    assert all(pair.probability < DEFAULT_THRESHOLD for pair in result.pairs), result.pairs


def test_a_nik_serial_typed_wrong_still_links_one_person(model: LinkageModel) -> None:
    born = datetime.date(1995, 3, 12)
    records = [
        IdentityRecord(id="a", name="Rina Handayani", birth_date=born, sex="P",
                       nik="3603055203950001", birth_place="Tangerang"),
        IdentityRecord(id="b", name="RINA HANDAYANI", birth_date=born, sex="P",
                       nik="3603055203950007", birth_place="Tangerang"),
    ]  # fmt: skip
    assert [(p.id_l, p.id_r) for p in link_records(model, records).pairs] == [("a", "b")]


def test_a_birth_year_one_digit_off_weighs_more_than_another_year(model: LinkageModel) -> None:
    # given one person whose birth year was mistyped (1990 -> 1991, 1980), and a namesake born
    # the same day and month twenty-three years apart
    name = "Rina Handayani"
    records = [
        IdentityRecord(id="a", name=name, birth_date=datetime.date(1990, 4, 7), sex="P"),
        IdentityRecord(id="b", name=name, birth_date=datetime.date(1991, 4, 7), sex="P"),
        IdentityRecord(id="c", name=name, birth_date=datetime.date(1980, 4, 7), sex="P"),
        IdentityRecord(id="d", name=name, birth_date=datetime.date(1967, 4, 7), sex="P"),
    ]
    scores = {
        (p.id_l, p.id_r): p.probability
        for p in link_records(model, records, threshold=0.0001).pairs
    }
    # then a year one apart or one digit off is a likely typing error, the other year is not
    assert scores[("a", "b")] > 10 * scores.get(("a", "d"), 0.0)
    assert scores[("a", "c")] > 10 * scores.get(("a", "d"), 0.0)


def test_a_single_name_links_to_the_full_name_that_holds_it(model: LinkageModel) -> None:
    # given a mononym, the middle word of the person's registered name, and another single
    # name; all three records give the same phone number (so each pair is compared)
    born = datetime.date(1988, 3, 21)
    phone = "6281234567890"
    records = [
        IdentityRecord(id="a", name="Agus Hidayat Santoso", birth_date=born, sex="L",
                       phone=phone),
        IdentityRecord(id="b", name="Hidayat", birth_date=born, sex="L", phone=phone),
        IdentityRecord(id="c", name="Wijaya", birth_date=born, sex="L", phone=phone),
    ]  # fmt: skip
    weights = {
        (p.id_l, p.id_r): p.match_weight for p in link_records(model, records, threshold=1e-9).pairs
    }
    # then the mononym weighs for the person (by more than 3 bits), another single name not
    assert weights[("a", "b")] > weights[("a", "c")] + 3
