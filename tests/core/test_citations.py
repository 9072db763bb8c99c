from __future__ import annotations

from deckchat.core.citations import cited_slides, strip_markers


def test_citation_markers_in_their_common_forms() -> None:
    assert cited_slides("Yes [3]. Also (slide 5), [Slides 7, 8] and [slide 3].") == [3, 5, 7, 8]
    assert cited_slides("No markers, 2024 is a year [a].") == []
    assert strip_markers("Yes [3]. Also (slide 5).") == "Yes. Also."
