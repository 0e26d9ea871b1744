"""SA001: `s.query(M).get(pk)` becomes `s.get(M, pk)`."""

from __future__ import annotations

import libcst as cst

from migrator.rewrite.rules.sqlalchemy_20._query import QueryChain, QueryRule, method


class QueryGet(QueryRule):
    """s.query(M).get(pk) -> s.get(M, pk), options and with_for_update as keywords"""

    code = "SA001"
    safety = "safe"
    terminals = ("get",)
    needles = (".get(",)

    def convert(self, original_node: cst.Call, chain: QueryChain) -> cst.BaseExpression:
        entity = chain.query_call.args
        pk = chain.terminal_call.args
        if len(entity) != 1 or entity[0].keyword or entity[0].star or len(pk) != 1 or pk[0].keyword or pk[0].star:
            self.report(original_node, "query(…).get() with other than one entity and one identity")
            return original_node
        keywords: list[cst.Arg] = []
        for step in chain.steps:
            name = chain.step_name(step)
            if name == "options":
                if any(a.keyword or a.star for a in step.args):
                    break
                elements = [cst.Element(a.value) for a in step.args]
                keywords.append(_kw("options", cst.List(elements)))
            elif name == "with_for_update":
                if any(a.star or a.keyword is None for a in step.args):
                    break
                value: cst.BaseExpression = cst.Name("True") if not step.args else cst.Dict(
                    [cst.DictElement(cst.SimpleString(repr(a.keyword.value)), a.value) for a in step.args if a.keyword])
                keywords.append(_kw("with_for_update", value))
            elif name == "populate_existing" and not step.args:
                keywords.append(_kw("populate_existing", cst.Name("True")))
            else:
                break
        else:
            args = [cst.Arg(entity[0].value, comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))),
                    pk[0].with_changes(comma=cst.MaybeSentinel.DEFAULT)]
            for keyword in keywords:
                args[-1] = args[-1].with_changes(comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")))
                args.append(keyword)
            return method(chain.receiver, "get", args)
        self.report(original_node, f"`.{chain.step_name(step)}()` before .get() has no Session.get() keyword")
        return original_node


def _kw(name: str, value: cst.BaseExpression) -> cst.Arg:
    return cst.Arg(value, keyword=cst.Name(name), equal=cst.AssignEqual(cst.SimpleWhitespace(""), cst.SimpleWhitespace("")))
