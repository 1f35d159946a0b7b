"""The project carries its contract (issue 13 item 7): the rule book ships in the package and
anyone reads it at GET /api/v1/rules, every code with its article, effect and zh/en text."""

from __future__ import annotations

from flask.testing import FlaskClient

from domain.rules import RULES


def test_a29_anyone_reads_the_rule_book_without_a_token(client: FlaskClient) -> None:
    book = client.get("/api/v1/rules")
    assert book.status_code == 200
    assert book.json["ruleset"] == "浙经信绿色〔2024〕105号"
    assert book.json["in_force_from"] == "2024-06-26"
    codes = [rule["code"] for rule in book.json["items"]]
    assert codes == list(RULES) and len(codes) == 46
    a17_1 = next(rule for rule in book.json["items"] if rule["code"] == "A17.1")
    assert a17_1["article"].startswith("第十七条") and a17_1["effect"] == "refuse"
    assert a17_1["zh"] and a17_1["en"] and "deregistered" in a17_1["text"]
    assert a17_1["url"] == "/api/v1/rules/A17.1"
    a10_1 = client.get("/api/v1/rules/A10.1").json
    assert a10_1["effect"] == "refuse" and "50 %" in a10_1["text"]
    assert "refused" in a10_1["effect_text"]


def test_an_unknown_rule_code_is_404_in_chinese_and_english(client: FlaskClient) -> None:
    missing = client.get("/api/v1/rules/A99.9")
    assert missing.status_code == 404
    assert "A99.9" in missing.json["messages"]["zh"] and "A99.9" in missing.json["messages"]["en"]
    assert client.get("/api/v1/rules?lang=zh").status_code == 422  # no such parameter
