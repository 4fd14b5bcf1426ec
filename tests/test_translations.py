"""Chinese is complete: every message of the UI has a Chinese translation, and the compiled
catalogue that `make run` uses matches the source catalogue."""

import re
from pathlib import Path

from django.utils import translation

PO = Path(__file__).resolve().parents[1] / "locale/zh_Hans/LC_MESSAGES/django.po"


def _entries():
    text = PO.read_text(encoding="utf-8")
    for block in text.split("\n\n"):
        if "#, fuzzy" in block:
            yield "FUZZY", block
        ids = re.findall(r'^msgid ((?:".*"\n?)+)', block, flags=re.M)
        if not ids:
            continue
        msgid = "".join(re.findall(r'"(.*)"', ids[0]))
        if msgid:
            yield msgid.replace('\\"', '"').replace("\\n", "\n"), block


def test_no_message_is_left_untranslated_or_fuzzy():
    for msgid, block in _entries():
        assert msgid != "FUZZY", block
        assert not re.search(r'^msgstr(\[0\])? ""\n(?!")', block + "\n", flags=re.M), (
            f"untranslated: {msgid}"
        )


def test_the_compiled_catalogue_translates_every_message():
    with translation.override("zh-hans"):
        for msgid, block in _entries():
            if "msgid_plural" in block:
                continue
            context = re.search(r'^msgctxt "(.*)"$', block, flags=re.M)
            if context:
                translated = translation.pgettext(context.group(1), msgid)
            else:
                translated = translation.gettext(msgid)
            assert translated != msgid or msgid == "English", f"not compiled: {msgid}"
