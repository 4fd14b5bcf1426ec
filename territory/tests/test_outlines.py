"""District outlines imported by an administrator: the map's offline base layer. The command
refuses wrong, missing, hostile and oversized files with a message and writes nothing."""

import json

import pytest
from django.core.management import CommandError, call_command

from territory.models import Outline

# A made-up test square in 锦江区's part of the city (not the real outline: none is shipped).
SQUARE = {
    "type": "Polygon",
    "coordinates": [
        [[104.07, 30.62], [104.12, 30.62], [104.12, 30.66], [104.07, 30.66], [104.07, 30.62]]
    ],
}


def _file(tmp_path, content, name="outline.geojson"):
    path = tmp_path / name
    path.write_bytes(content if isinstance(content, bytes) else json.dumps(content).encode())
    return str(path)


def test_an_outline_is_imported_measured_and_shown_on_the_map(tmp_path, login, capsys):
    call_command("import_outline", "510104", _file(tmp_path, SQUARE))
    assert "已导入“锦江区”的区界，面积 21." in capsys.readouterr().out  # 0.05° × 0.04° ≈ 21 km²
    outline = Outline.objects.get(unit__code="510104")
    assert outline.history.count() == 1 and outline.source == "outline.geojson"
    data = login("bailuwan").get("/map/data.json").json()
    assert [f["properties"]["name"] for f in data["outlines"]["features"]] == ["锦江区"]


def test_a_second_import_replaces_the_outline_and_keeps_the_first_in_history(tmp_path, db):
    call_command("import_outline", "510104", _file(tmp_path, SQUARE))
    smaller = {
        **SQUARE,
        "coordinates": [[[104.07, 30.62], [104.09, 30.62], [104.09, 30.64], [104.07, 30.62]]],
    }
    call_command("import_outline", "510104", _file(tmp_path, smaller, "v2.geojson"))
    outline = Outline.objects.get(unit__code="510104")
    assert outline.source == "v2.geojson" and outline.history.count() == 2


@pytest.mark.parametrize(
    ("unit", "content", "name", "message"),
    [
        ("999999", SQUARE, "a.geojson", "没有代码为“999999”的单位"),
        ("z-new-economy", SQUARE, "a.geojson", "不是区（市）县或开发单元"),
        ("510104", b"", "a.geojson", "文件是空的"),
        ("510104", b"hello", "a.txt", "无法识别文件格式"),
        ("510104", {"type": "Point", "coordinates": [104.07, 30.62]}, "a.geojson", "文件中没有面"),
        (
            "510104",
            {
                **SQUARE,
                "coordinates": [
                    [
                        [104.07, 30.62],
                        [104.12, 30.66],
                        [104.12, 30.62],
                        [104.07, 30.66],
                        [104.07, 30.62],
                    ]
                ],
            },
            "a.geojson",
            "边界自相交",
        ),
        (
            "510104",
            {
                **SQUARE,
                "coordinates": [
                    [[30.62, 104.07], [30.62, 104.12], [30.66, 104.12], [30.62, 104.07]]
                ],
            },
            "a.geojson",
            "经度和纬度填反",
        ),
        (
            "510104",
            {
                **SQUARE,
                "coordinates": [
                    [[404000, 3390000], [405000, 3390000], [405000, 3391000], [404000, 3390000]]
                ],
            },
            "a.geojson",
            "投影坐标（米）",
        ),
        (
            "510104",
            b'<?xml version="1.0"?><!DOCTYPE kml [<!ENTITY x SYSTEM "file:///etc/passwd">]><kml>&x;</kml>',
            "a.kml",
            "含有 DTD 或实体定义",
        ),
    ],
)
def test_bad_input_is_refused_with_a_message_and_nothing_is_written(
    tmp_path, db, unit, content, name, message
):
    with pytest.raises(CommandError) as error:
        call_command("import_outline", unit, _file(tmp_path, content, name))
    assert message in str(error.value)
    assert not Outline.objects.exists()


def test_a_missing_or_oversized_file_is_refused_before_it_is_read(tmp_path, db, settings):
    with pytest.raises(CommandError, match="找不到文件"):
        call_command("import_outline", "510104", str(tmp_path / "nowhere.geojson"))
    settings.ZONEPLAN_GEOMETRY_MAX_BYTES = 100
    with pytest.raises(CommandError, match="文件过大"):
        call_command("import_outline", "510104", _file(tmp_path, SQUARE))
    assert not Outline.objects.exists()


def test_an_unknown_coordinate_system_is_refused(tmp_path, db):
    with pytest.raises(CommandError, match="invalid choice"):
        call_command("import_outline", "510104", _file(tmp_path, SQUARE), "--crs", "epsg3857")
