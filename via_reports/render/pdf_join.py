"""Join the PDFs of a report's parts, each laid out by WeasyPrint alone, into one tagged PDF.

The parts (:mod:`via_reports.render.pdf_parts`) are whole tagged PDFs (PDF/UA-1)
of consecutive pages. Joining them keeps what a reader and a screen reader
need from one document:

* the pages in order, with their annotations;
* one tag tree: a single ``Document`` element holding each part's elements in
  order, and one ``ParentTree``, numbered as WeasyPrint numbers it: the pages
  first (key = page index), then the link annotations;
* links into another part: a part writes them as ``via-part:ANCHOR``
  (:data:`PART_LINK`) and here they become links to the named destination
  ``ANCHOR``; one name tree holds every part's destinations;
* the bookmarks of every part, in order, as one outline;
* the catalogue (language, marked content, display of the title, XMP
  metadata) and the document information of the first part; an /ID computed
  from the content, so the same parts give the same bytes.

The parts come from WeasyPrint, flat as it writes them (a ``/Nums`` parent
tree, a ``/Names`` destination array); anything else is refused with a
:class:`~via_reports.exceptions.RenderError`, never joined half. The objects
are copied by qpdf (pikepdf): a report's tag tree has thousands of elements.
"""

from __future__ import annotations

import io
import warnings
from typing import Any

from via_reports.exceptions import RenderError

#: The scheme of a link into another part (rewritten to a named destination here).
PART_LINK = "via-part:"


def join_parts(parts: list[bytes]) -> bytes:
    """One PDF of ``parts`` (PDF files of consecutive pages, in order)."""
    import pikepdf
    from pikepdf import Array, Dictionary, String

    sources = [pikepdf.open(io.BytesIO(data)) for data in parts]
    joined = sources[0]  # its catalogue, metadata and document element carry the whole
    document = _document_element(joined, 1)
    page_entries: list[Any] = []  # per page of the whole: its marked content's struct elements
    annotation_entries: list[tuple[Any, Any]] = []  # (annotation, its struct element)
    destinations: list[tuple[str, Any]] = []
    outline: list[Any] = []
    for number, source in enumerate(sources, start=1):
        part_document = _document_element(source, number)
        nums = source.Root.StructTreeRoot.ParentTree.get("/Nums")
        if nums is None:
            raise RenderError(f"part {number} of the PDF has a parent tree WeasyPrint does not write")
        entries = {int(nums[i]): nums[i + 1] for i in range(0, len(nums), 2)}
        offset = len(joined.pages) if number > 1 else 0
        if number > 1:
            elements = list(part_document.K)
            for element in elements:  # copied without the part's own root above them
                del element.P
            with warnings.catch_warnings():  # pikepdf: named destinations are not carried (they are, below)
                warnings.simplefilter("ignore", pikepdf.PageCopyWarning)  # type: ignore[attr-defined]
                joined.pages.extend(source.pages)
            for element in elements:
                copy = joined.copy_foreign(element)
                copy.P = document
                document.K.append(copy)
            entries = {key: (Array([joined.copy_foreign(e) for e in value]) if isinstance(value, Array)
                             else joined.copy_foreign(value)) for key, value in entries.items()}
        index_of = {page.obj.objgen: index for index, page in enumerate(source.pages)}

        def moved(destination: Any) -> Any:  # [page, /XYZ, x, y, zoom] of the part -> of the whole
            return Array([joined.pages[offset + index_of[destination[0].objgen]].obj, *list(destination)[1:]])

        for index in range(len(source.pages)):
            page = joined.pages[offset + index].obj
            page_entries.append(entries.get(index, Array()))
            page.StructParents = offset + index
            for annotation in page.get("/Annots", []):
                if "/StructParent" in annotation:
                    annotation_entries.append((annotation, entries[int(annotation.StructParent)]))
                action = annotation.get("/A")
                target = str(action.get("/URI", "")) if action is not None else ""
                if target.startswith(PART_LINK):
                    anchor = target[len(PART_LINK):]
                    del annotation.A
                    annotation.Dest = String(anchor)
                    annotation.Contents = String(anchor)
        names = source.Root.get("/Names", Dictionary()).get("/Dests", Dictionary()).get("/Names", Array())
        for i in range(0, len(names), 2):
            destinations.append((str(names[i]), moved(names[i + 1])))
        if "/Outlines" in source.Root:
            outline += _outline_items(source.Root.Outlines.get("/First"), moved)

    nums = Array()
    for index, entry in enumerate(page_entries):
        nums.extend([index, entry])
    for index, (annotation, element) in enumerate(annotation_entries, start=len(page_entries)):
        annotation.StructParent = index
        nums.extend([index, element])
    tree = joined.Root.StructTreeRoot
    tree.ParentTree = joined.make_indirect(Dictionary(Nums=nums))
    tree.ParentTreeNextKey = len(nums) // 2
    if destinations:
        array = Array()
        for name, destination in sorted(destinations, key=lambda item: item[0]):
            array.extend([String(name), destination])
        joined.Root.Names = Dictionary(Dests=Dictionary(Names=array))
    if outline:
        joined.Root.Outlines = _outline(joined, outline)
    out = io.BytesIO()
    joined.save(out, deterministic_id=True, object_stream_mode=pikepdf.ObjectStreamMode.generate,
                fix_metadata_version=False)
    return out.getvalue()


def _document_element(pdf: Any, number: int) -> Any:
    tree = pdf.Root.get("/StructTreeRoot")
    if tree is None:
        raise RenderError(f"part {number} of the PDF has no tags; it cannot be joined")
    from pikepdf import Array, Dictionary

    kids = tree.get("/K")
    document = kids[0] if isinstance(kids, Array) and len(kids) == 1 else kids
    if not isinstance(document, Dictionary) or document.get("/S") != "/Document":
        raise RenderError(f"part {number} of the PDF has a tag tree WeasyPrint does not write")
    return document


def _outline_items(item: Any, moved: Any) -> list[dict[str, Any]]:
    """A part's bookmarks: title, destination in the whole, open or closed, children."""
    items = []
    while item is not None:
        items.append({"title": item.Title, "dest": moved(item.Dest), "count": int(item.get("/Count", 0)),
                      "children": _outline_items(item.get("/First"), moved)})
        item = item.get("/Next")
    return items


def _outline(pdf: Any, items: list[dict[str, Any]], parent: Any = None) -> Any:
    """The outline dictionaries of ``items`` under ``parent`` (None: the document's /Outlines)."""
    from pikepdf import Dictionary, Name

    if parent is None:
        parent = pdf.make_indirect(Dictionary(Type=Name.Outlines))
    entries = [pdf.make_indirect(Dictionary(Title=item["title"], Dest=item["dest"], Parent=parent))
               for item in items]
    visible = len(items)
    for index, (item, entry) in enumerate(zip(items, entries)):
        if index > 0:
            entry.Prev = entries[index - 1]
        if index + 1 < len(entries):
            entry.Next = entries[index + 1]
        entry.Count = 0
        if item["children"]:
            _outline(pdf, item["children"], entry)
            if item["count"] < 0:  # closed: its children are not counted as visible
                entry.Count = -int(entry.Count)
            else:
                visible += int(entry.Count)
    if entries:
        parent.First, parent.Last = entries[0], entries[-1]
    parent.Count = visible
    return parent
