"""Lay out the governance structure as a tree of circles (pure; no Django).

Each circle gets a centre; children sit in the row below their parent, each subtree
taking a width proportional to its number of leaves. The page draws the result as SVG.
"""

from __future__ import annotations

from dataclasses import dataclass, field

COLUMN = 170
ROW = 150
RADIUS = 46
MARGIN = 70


@dataclass
class Node:
    id: int
    name: str
    kind: str
    parent: int | None
    problems: list[str] = field(default_factory=list)
    x: int = 0
    y: int = 0


@dataclass(frozen=True)
class Edge:
    parent: Node
    child: Node
    linked: bool  # the double link holds


@dataclass(frozen=True)
class Layout:
    nodes: list[Node]
    edges: list[Edge]
    width: int
    height: int
    radius: int = RADIUS


def layout(nodes: list[Node]) -> Layout:
    by_id = {node.id: node for node in nodes}
    children: dict[int | None, list[Node]] = {}
    for node in sorted(nodes, key=lambda n: (n.kind != "coordination_body", n.name)):
        parent = node.parent if node.parent in by_id else None
        children.setdefault(parent, []).append(node)

    leaves: dict[int, int] = {}

    def count(node: Node) -> int:
        kids = children.get(node.id, [])
        leaves[node.id] = sum(count(kid) for kid in kids) or 1
        return leaves[node.id]

    roots = children.get(None, [])
    total = sum(count(root) for root in roots)
    depth = 0

    def place(node: Node, left: int, level: int) -> None:
        nonlocal depth
        depth = max(depth, level)
        node.x = round(MARGIN + (left + leaves[node.id] / 2) * COLUMN)
        node.y = MARGIN + level * ROW
        offset = left
        for kid in children.get(node.id, []):
            place(kid, offset, level + 1)
            offset += leaves[kid.id]

    offset = 0
    for root in roots:
        place(root, offset, 0)
        offset += leaves[root.id]
    edges = [
        Edge(by_id[n.parent], n, linked=not n.problems)
        for n in nodes
        if n.parent is not None and n.parent in by_id
    ]
    return Layout(
        nodes=nodes,
        edges=edges,
        width=2 * MARGIN + max(total, 1) * COLUMN,
        height=2 * MARGIN + depth * ROW + 30,
    )
