"""The verifiable log (issue 10): its latest signed checkpoint and the proofs that tie an event
to it, so that an auditor can show a cited decision is in the log a checkpoint they hold commits
to, and that a later checkpoint extends an earlier one, without trusting this service.

Checkpoints and consistency proofs are hashes only: public. An inclusion proof carries the
event's stored bytes (`auditlog.offline` recomputes its leaf from them): for the readers of the
audit trail (province, inspectors, auditors), or for a unit's readers (api.access) when they name
the unit (`credit_code`) whose event it is. The bytes of a report's filing identify its reporter
(A23.1): they are attached for inspectors only; others get the leaf hash, which proves inclusion
all the same."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from flask import Response
from flask.views import MethodView
from flask_smorest import Blueprint

from api.access import read_roles, unit_reader
from api.context import ctx
from api.log_state import b64, store
from api.schemas.log import ConsistencyOut, ConsistencyQuery, InclusionOut, InclusionQuery
from domain.aggregates.unit import unit_id
from domain.errors import NotFound, OutOfRange
from domain.values import Role
from greenlist.adapters.stores import Leaf
from greenlist.vlog.tree import tree_of

blp = Blueprint("log", __name__, url_prefix="/api/v1/log", description="可验证日志 Verifiable log")

_ANY_EVENT = (
    "任意单位的日志条目（请以credit_code指明可查阅的单位）",
    "the log's events without `credit_code` naming a unit it reads",
)
SEALED_TOPICS = (
    "domain.events.complaint:",
    "domain.events.unit:ComplaintReceived",
    "domain.events.objection:",
)
"""Events whose stored bytes may identify a reporter (A23.1) or an objector (A16.1), or the
account that filed (domain.reporters)."""


NOTE = {
    "type": "string",
    "description": "a signed note: the origin, the tree size and the base64 root hash, a line "
    "each, an empty line, then `— <key name> <base64(key ID || Ed25519 signature)>`",
    "example": "greenlist.zhejiang.local/green-manufacturing\n1234\n"
    "XcnaeacGcKmpVZy3AdHZqqudgjqtL0lgz+Nw7/RgQyg=\n\n"
    "— greenlist.zhejiang.local/green-manufacturing AbCdEf…\n",
}


@blp.route("/checkpoint")
class LatestCheckpoint(MethodView):
    @blp.response(200, content_type="text/plain; charset=utf-8")
    @blp.doc(
        responses={
            "200": {
                "description": "the latest signed checkpoint",
                "content": {"text/plain": {"schema": NOTE}},
            }
        }
    )
    def get(self) -> Response:
        """The latest signed checkpoint (c2sp.org/tlog-checkpoint v1.0.0, an Ed25519 signed
        note), public. Check it with the log's verifier key (`greenlist log-key`) and keep it:
        a later one must extend it (`/proof/consistency`)."""
        latest = store().latest_checkpoint()
        if latest is None:
            raise NotFound(zh="日志尚无签名检查点", en="the log has no signed checkpoint yet")
        return Response(
            latest.note, mimetype="text/plain", content_type="text/plain; charset=utf-8"
        )


def _tree_size(requested: int | None) -> int:
    """The tree a proof is asked against: the one named, else the latest checkpoint's, else
    the whole log; never more leaves than the log has."""
    count = store().leaf_count()
    if requested is None:
        latest = store().latest_checkpoint()
        if latest is not None and latest.size > count:  # leaves gone since it was signed
            raise OutOfRange(
                zh=f"最新签名检查点涵盖{latest.size}个条目，但日志仅有{count}个：日志疑被截断，"
                f"请运维人员运行 greenlist verify；可指定不超过{count}的tree_size",
                en=f"the latest signed checkpoint commits to {latest.size} leaves but the log "
                f"holds {count}: it was truncated (the operator must run `greenlist verify`); "
                f"name a tree_size of at most {count}",
            )
        return latest.size if latest else count
    if requested > count:
        raise OutOfRange(
            zh=f"日志仅有{count}个条目，无法证明规模为{requested}的树",
            en=f"the log has {count} leaves: there is no tree of size {requested} yet",
        )
    return requested


@blp.route("/proof/inclusion")
class Inclusion(MethodView):
    @blp.arguments(InclusionQuery, location="query")
    @blp.response(200, InclusionOut)
    def get(self, query: dict[str, Any]) -> dict[str, Any]:
        """The proof that the event at a log `position` is leaf `leaf_index` of the tree of
        `tree_size` leaves (default: the latest checkpoint's), with the event's stored bytes
        (RFC 9162 §2.1.3). `auditlog/offline.py inclusion` checks it against a checkpoint."""
        code = query.get("credit_code")
        position = query["position"]
        # Who may read is settled before anything about the position is looked at: a refused
        # reader learns nothing of the log, and a unit's reader gets the same 404 for a
        # position with no event and for another unit's event.
        actor = unit_reader(code) if code else read_roles("log", _ANY_EVENT)
        leaf = store().leaf_at_position(position)
        event = _event_at(position) if leaf is not None else None
        if code and (
            event is None or UUID(str(event.originator_id)) != unit_id(code.strip().upper())
        ):
            raise NotFound(
                zh=f"日志第{position}号位置没有单位{code}的记录",
                en=f"no event of unit {code} at log position {position}",
            )
        if leaf is None:
            raise NotFound(
                zh=f"日志第{position}号位置无记录", en=f"no event at log position {position}"
            )
        size = _tree_size(query.get("tree_size"))
        if leaf.index >= size:
            raise OutOfRange(
                zh=f"第{position}号位置的记录不在规模为{size}的树中",
                en=f"the event at position {position} (leaf {leaf.index}) is not in the tree "
                f"of size {size}: ask for a larger tree_size",
            )
        tree = tree_of(store())
        sealed = event is not None and event.topic.startswith(SEALED_TOPICS)
        shown = event is not None and (not sealed or actor.role is Role.INSPECTOR)
        return {
            "position": position,
            "leaf_index": leaf.index,
            "tree_size": size,
            "root": b64(tree.root(size)),
            "leaf_hash": b64(leaf.hash),
            "proof": [b64(h) for h in tree.inclusion_proof(leaf.index, size)],
            "event": _event_out(event, leaf) if shown else None,
            "withheld": None if shown else _withheld(event),
        }


def _event_at(position: int) -> Any:
    found = ctx().service.recorder.select_notifications(start=position, limit=1, stop=position)
    return found[0] if found else None


def _event_out(event: Any, leaf: Leaf) -> dict[str, Any]:
    return {
        "position": leaf.position,
        "originator_id": str(event.originator_id),
        "originator_version": event.originator_version,
        "topic": event.topic,
        "state": b64(event.state),
    }


def _withheld(event: Any) -> dict[str, str]:
    if event is None:
        return {
            "zh": "该条目的记录已不在存储中",
            "en": "the event of this leaf is not in the store",
        }
    return {
        "zh": "该记录可识别举报人（A23.1），仅向纪检监察人员提供原文；叶哈希同样可证明其在日志中",
        "en": "the event identifies a reporter (A23.1): its bytes go to inspectors only; the "
        "leaf hash proves its inclusion all the same",
    }


@blp.route("/proof/consistency")
class Consistency(MethodView):
    @blp.arguments(ConsistencyQuery, location="query")
    @blp.response(200, ConsistencyOut)
    def get(self, query: dict[str, Any]) -> dict[str, Any]:
        """The proof that the tree of `to` leaves extends the tree of `from` leaves (RFC 9162
        §2.1.4): a later checkpoint never rewrites what an earlier one committed to. Public."""
        first, second = query["from_"], query["to"]
        if first > second:
            raise OutOfRange(zh="起始规模不得大于终止规模", en="`from` may not be larger than `to`")
        _tree_size(second)
        tree = tree_of(store())
        return {
            "from_": first,
            "to": second,
            "first_root": b64(tree.root(first)),
            "second_root": b64(tree.root(second)),
            "proof": [b64(h) for h in tree.consistency_proof(first, second)],
        }
