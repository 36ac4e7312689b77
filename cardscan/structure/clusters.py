"""Clusters: every card to the cluster it sits in, the clusters in the order the wall reads.

With headings, each card goes to the heading above it (the same column first, then the nearest: a
horizontal gap costs more than a vertical one, since clusters grow downwards; a row label left of the
cards heads its whole row); cards far apart from the rest of their heading's, and columns with no heading
over them in their band of the board, are clusters of their own (their heading was missed); without headings, cards
that stand clearly apart from the others form their own clusters (an even grid is one block: no
clusters). Clusters are named after their heading, else "Cluster <n>", and listed in reading order:
rows of clusters top to bottom, each left to right.
"""
from __future__ import annotations

import numpy as np

from cardscan.structure.boxes import Box
from cardscan.structure.row_labels import in_label_column
from cardscan.workshop import Card, Cluster, Heading

COLUMN_GAP = 0.35  # of the median card width: a horizontal gap costs this much more than a vertical one
APART_FACTOR = 2.2  # without headings: a gap this many times the usual one separates clusters ...
APART_MIN_GAP = 0.75  # ... if it is also this share of a card's width (an even grid's columns are no clusters)
MIN_CLUSTERS_APART = 2
COLUMN_JOIN = 0.35  # card widths: columns of cards closer than this belong to one cluster ...
BETWEEN_SHARE = 0.8  # ... or closer than this share of the gaps between columns under different headings
TOUCHING = 0.05  # card widths: cards this close in x are one column
MIN_HEADLESS = 2  # cards in a column without a heading that make a cluster of their own
BAND_REACH = 2.0  # card heights: a heading this far above a band of cards may head its columns
SPLIT_GAP = 1.8  # card heights: a heading's cards further apart than this (and than APART_FACTOR gaps) are two clusters


def assign_clusters(cards: list[Card], headings: list[Heading],
                    outlines: list | None = None) -> tuple[list[Heading], list[Cluster]]:
    """Assign every card a cluster; return the headings and clusters in the order the wall reads.

    outlines: polygons of marker loops drawn around groups (`find_outlines`): the cards inside one are
    its cluster, named by a heading inside it or right above it."""
    boxes = {c.id: Box.of(c.polygon) for c in cards}
    card_w = float(np.median([b.w for b in boxes.values()])) if boxes else 1.0
    groups, cards_left, headings_left = _loop_groups(cards, headings, outlines or [], boxes)
    members: dict[str, list[Card]] = {}
    if headings_left and cards_left:
        hboxes = [Box.of(h.polygon) for h in headings_left]
        headless = _headless_columns(cards_left, boxes, hboxes, card_w)
        lone = {c.id for block in headless for c in block}
        rows = _row_labels(hboxes, [boxes[c.id] for c in cards_left])
        nearest = {c.id: _nearest_heading(boxes[c.id], hboxes, card_w, rows) for c in cards_left if c.id not in lone}
        orphans = _unheaded_groups([c for c in cards_left if c.id in nearest], boxes, hboxes, nearest)
        headless += orphans
        lone |= {c.id for block in orphans for c in block}
        for card in cards_left:
            if card.id not in lone:
                members.setdefault(headings_left[nearest[card.id]].id, []).append(card)
        groups += [(h, members.get(h.id, [])) for h in headings_left] + [(None, block) for block in headless]
    elif cards_left:
        apart = [(None, g) for g in _apart_groups(cards_left, boxes)]
        if len(apart) >= MIN_CLUSTERS_APART:
            groups += apart
        else:
            for card in cards_left:
                card.cluster = None
    if not groups:
        return [], []

    def anchor(item):
        heading, group = item
        if heading is not None:
            return Box.of(heading.polygon)
        return Box(min(boxes[c.id].x0 for c in group), min(boxes[c.id].y0 for c in group),
                    max(boxes[c.id].x1 for c in group), max(boxes[c.id].y1 for c in group))

    ordered = _reading_order(groups, anchor)
    clusters, used = [], set()
    for n, (heading, group) in enumerate(ordered, start=1):
        if not group:
            continue
        name = (heading.text.strip() if heading is not None else "") or f"Cluster {n}"
        base, k = name, 2
        while name in used:
            name, k = f"{base} ({k})", k + 1
        used.add(name)
        clusters.append(Cluster(name, heading.id if heading is not None else None))
        for card in sorted(group, key=lambda c: (boxes[c.id].cy // max(boxes[c.id].h, 1), boxes[c.id].x0)):
            card.cluster = name
    order = {id(h): k for k, (h, _) in enumerate(ordered) if h is not None}
    return sorted(headings, key=lambda h: order.get(id(h), len(order))), clusters


def _nearest_heading(card: Box, headings: list[Box], card_w: float, rows: set[int] = frozenset()) -> int:
    """The heading the card stands under: above it (or beside it), close in x first, then in y.
    A row label (`rows`) heads its whole row: however far right a card stands, only the height counts."""
    best, best_cost = 0, float("inf")
    for k, h in enumerate(headings):
        dx = max(0.0, h.x0 - card.x1, card.x0 - h.x1)
        dy = max(0.0, card.y0 - h.y1)
        cost = COLUMN_GAP * dy if k in rows else dx + COLUMN_GAP * dy + 0.05 * abs(card.cx - h.cx)
        if h.y0 > card.cy:  # a heading below the card heads another cluster
            cost += 10 * card_w + (h.y0 - card.cy)
        if cost < best_cost:
            best, best_cost = k, cost
    return best


def _unheaded_groups(cards: list[Card], boxes: dict[str, Box], headings: list[Box],
                     nearest: dict[str, int]) -> list[list[Card]]:
    """The cards a heading would get that stand far apart from the ones right under it: their own
    heading was not found (a pale marker heading, a strip the detector missed), so they are a cluster
    of their own rather than part of the cluster above them or beside them. A heading's cards are linked
    by ordinary gaps; each block not holding the card nearest to the heading (of two cards or more) is cut off."""
    if len(cards) < 4:
        return []
    card_h = float(np.median([boxes[c.id].h for c in cards]))
    gaps = [min(_gap(boxes[c.id], boxes[o.id]) for o in cards if o is not c) for c in cards]
    limit = max(APART_FACTOR * float(np.median(gaps)), SPLIT_GAP * card_h)
    out = []
    for k, heading in enumerate(headings):
        members = [c for c in cards if nearest[c.id] == k]
        if len(members) < 2 * MIN_HEADLESS:
            continue
        blocks = _linked(members, boxes, limit)
        first = min(members, key=lambda c: _gap(boxes[c.id], heading))
        out += [block for block in blocks if first not in block and len(block) >= MIN_HEADLESS]
    return out


def _gap(a: Box, b: Box) -> float:
    return max(0.0, b.x0 - a.x1, a.x0 - b.x1, b.y0 - a.y1, a.y0 - b.y1)


def _linked(cards: list[Card], boxes: dict[str, Box], limit: float) -> list[list[Card]]:
    """Cards joined (through each other) by gaps of at most `limit`."""
    parent = list(range(len(cards)))

    def find(i):
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i in range(len(cards)):
        for j in range(i + 1, len(cards)):
            if _gap(boxes[cards[i].id], boxes[cards[j].id]) <= limit:
                parent[find(i)] = find(j)
    blocks: dict[int, list[Card]] = {}
    for i, card in enumerate(cards):
        blocks.setdefault(find(i), []).append(card)
    return list(blocks.values())


def _row_labels(headings: list[Box], cards: list[Box]) -> set[int]:
    """Headings that label rows: at least two, one above the other in a column of their own left of the
    cards, each with cards right of it in its row and none left of it (a plan's "1." … "6.", rows of a
    matrix named on the left)."""
    def labels_row(h: Box) -> bool:
        in_row = [c for c in cards if min(c.y1, h.y1) - max(c.y0, h.y0) >= 0.5 * min(c.h, h.h)]
        return bool(in_row) and all(c.x0 >= h.x1 - 0.1 * h.w for c in in_row)

    found = [k for k, h in enumerate(headings) if labels_row(h)]
    if len(found) < 2:
        return set()
    # One above the other: near the labels' middle line. (Not "left of every card": seen at a slant, the
    # rows lower down start further right, and a stray box left of the board moved that edge.)
    card_w = float(np.median([c.w for c in cards]))
    middle = float(np.median([headings[k].cx for k in found]))
    column = [k for k in found if in_label_column(headings[k].cx, middle, card_w) and headings[k].w <= 1.5 * card_w]
    return set(column) if len(column) >= 2 else set()


def _loop_groups(cards: list[Card], headings: list[Heading], outlines: list,
                 boxes: dict[str, Box]) -> tuple[list, list[Card], list[Heading]]:
    """The cards inside each drawn loop (the smallest loop holding a card's centre), with the heading
    inside the loop or just above it; and the cards and headings no loop takes."""
    from cardscan.structure.outlines import inside

    if not outlines:
        return [], list(cards), list(headings)
    order = sorted(outlines, key=lambda poly: Box.of(poly).w * Box.of(poly).h)
    taken: dict[int, list[Card]] = {}
    for card in cards:
        k = next((k for k, poly in enumerate(order) if inside(poly, boxes[card.id])), None)
        if k is not None:
            taken.setdefault(k, []).append(card)
    groups, used = [], set()
    for k, members in taken.items():
        loop = Box.of(order[k])
        named = [h for h in headings if id(h) not in used and (inside(order[k], Box.of(h.polygon)) or (
            0 <= loop.y0 - Box.of(h.polygon).cy <= Box.of(h.polygon).h * 1.5
            and loop.x0 <= Box.of(h.polygon).cx <= loop.x1))]
        heading = min(named, key=lambda h: Box.of(h.polygon).y0) if named else None
        if heading is not None:
            used.add(id(heading))
        groups.append((heading, members))
    in_loops = {c.id for members in taken.values() for c in members}
    return groups, [c for c in cards if c.id not in in_loops], [h for h in headings if id(h) not in used]


def _headless_columns(cards: list[Card], boxes: dict[str, Box], headings: list[Box], card_w: float) -> list[list[Card]]:
    """Columns of cards (a cluster's own columns stand closer than COLUMN_JOIN card widths) with no
    heading over them, nor one beside them (rows headed on the left): a column whose heading was not found
    is a cluster of its own, not part of the neighbour's (kanban boards, a heading card the detector missed).
    Columns are taken in each band of the board (rows of clusters far apart, `_bands`), so a
    cluster's heading further down the wall does not head the columns of the band above it."""
    card_h = float(np.median([boxes[c.id].h for c in cards])) if cards else 1.0
    out = []
    for band in _bands(cards, boxes, card_h):
        top = min(boxes[c.id].y0 for c in band)

        def heads(h: Box, x0: float, x1: float, bottom: float) -> bool:
            return h.x1 > x0 and h.x0 < x1 and h.y0 < bottom and h.y1 > top - BAND_REACH * card_h

        spans = _spans(band, boxes, TOUCHING * card_w)
        # Gaps between neighbouring columns under different headings show how far apart this board's
        # clusters stand (tight kanban columns): a gap as wide as those is no gap inside a cluster.
        owner = [next((k for k, h in enumerate(headings) if heads(h, x0, x1, max(boxes[c.id].y1 for c in m))), None)
                 for x0, x1, m in spans]
        between = [b[0] - a[1] for a, b, oa, ob in zip(spans, spans[1:], owner, owner[1:])
                   if oa is not None and ob is not None and oa != ob]
        join = min(COLUMN_JOIN * card_w, BETWEEN_SHARE * float(np.median(between))) if between else COLUMN_JOIN * card_w
        for x0, x1, members in _spans(band, boxes, join):
            bottom = max(boxes[c.id].y1 for c in members)
            over = any(heads(h, x0, x1, bottom) for h in headings)
            beside = any(min(h.y1, boxes[c.id].y1) > max(h.y0, boxes[c.id].y0) for h in headings for c in members)
            if len(members) >= MIN_HEADLESS and not over and not beside:  # (row headings stand beside their cards)
                out.append(members)
    return out


def _spans(cards: list[Card], boxes: dict[str, Box], join: float) -> list[list]:
    """Columns of cards left to right, [x0, x1, cards]: cards overlapping in x, or closer than `join`."""
    spans: list[list] = []
    for card in sorted(cards, key=lambda c: boxes[c.id].x0):
        box = boxes[card.id]
        if spans and box.x0 <= spans[-1][1] + join:
            spans[-1][1] = max(spans[-1][1], box.x1)
            spans[-1][2].append(card)
        else:
            spans.append([box.x0, box.x1, [card]])
    return spans


def _bands(cards: list[Card], boxes: dict[str, Box], card_h: float) -> list[list[Card]]:
    """The cards in horizontal bands: a gap of SPLIT_GAP card heights with no card in it separates them
    (one missing card in a column leaves less)."""
    bands: list[list] = []
    for card in sorted(cards, key=lambda c: boxes[c.id].y0):
        box = boxes[card.id]
        if bands and box.y0 <= bands[-1][0] + SPLIT_GAP * card_h:
            bands[-1][0] = max(bands[-1][0], box.y1)
            bands[-1][1].append(card)
        else:
            bands.append([box.y1, [card]])
    return [members for _, members in bands]


def _apart_groups(cards: list[Card], boxes: dict[str, Box]) -> list[list[Card]]:
    """Cards linked to their neighbours by ordinary gaps; a gap much wider than usual separates clusters."""
    n = len(cards)
    if n < 4:
        return [cards]
    gap = np.zeros((n, n))
    for i in range(n):
        for j in range(n):
            a, b = boxes[cards[i].id], boxes[cards[j].id]
            gap[i, j] = max(0.0, b.x0 - a.x1, a.x0 - b.x1, b.y0 - a.y1, a.y0 - b.y1)
    np.fill_diagonal(gap, np.inf)
    nearest = gap.min(axis=1)
    card_w = float(np.median([b.w for b in boxes.values()]))
    limit = max(APART_FACTOR * float(np.median(nearest)), APART_MIN_GAP * card_w)
    parent = list(range(n))

    def find(i):
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i in range(n):
        for j in range(i + 1, n):
            if gap[i, j] <= limit:
                parent[find(i)] = find(j)
    groups: dict[int, list[Card]] = {}
    for i, card in enumerate(cards):
        groups.setdefault(find(i), []).append(card)
    return list(groups.values())


def _reading_order(items: list, anchor) -> list:
    """Rows of items top to bottom (an item starting above the row's middle joins it), each left to right."""
    rows: list[list] = []
    for item in sorted(items, key=lambda it: anchor(it).y0):
        box = anchor(item)
        if rows:
            row_box = [anchor(it) for it in rows[-1]]
            middle = float(np.median([(b.y0 + b.y1) / 2 for b in row_box]))
            bottom = max(b.y1 for b in row_box)
            if box.y0 <= max(middle, bottom - 0.25 * (bottom - min(b.y0 for b in row_box))):
                rows[-1].append(item)
                continue
        rows.append([item])
    return [item for row in rows for item in sorted(row, key=lambda it: anchor(it).x0)]
