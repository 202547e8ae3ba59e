-- The report's footnotes reach pandoc as <span class="footnote"> (as WeasyPrint gets them for the
-- PDF's page footnotes); here each becomes a Word footnote, numbered by Word.
function Span(el)
  if el.classes:includes("footnote") then
    return pandoc.Note(pandoc.Para(el.content))
  end
end
