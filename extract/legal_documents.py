"""Find cited legal documents: numbered ones in the three numbering families,
laws cited by name, and short back references to them.

- normative: "40/2013/NĐ-CP", "24/2018/QH14";
- administrative: "27/NQ-CP", "1954/QĐ-UBND", "37/QĐ-UBND-TL", "3440/CV-BCĐ";
- Party: "56-NQ/TW", "203-TB/TU", "08-QĐi/TW".

The type comes from the word before the number ("Nghị quyết số ...") or
else from the number's type code (NQ, NĐ, QĐ: models/lexicons/document_types.csv);
the issue date from "ngày 5/3/2020" or "ngày 05 tháng 3 năm 2020" after it;
the issuer from "của"/"do" + a body or title after it, or else from the
issuer code (CP, TTg, TW: models/lexicons/issuer_codes.csv). Named laws come
from models/lexicons/laws.csv, or a capitalised name after "Luật"/"Bộ luật".
Short references ("Nghị quyết số 56", "Nghị định này") are mentions of the
document they point to; one that points nowhere is a document of its own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

import regex

from .agencies import AgencyMatch
from .entities import LegalDocument, Mention
from .resources import Resources
from .titles import TitleMatch

# Type and issuer codes are capitals of the Vietnamese alphabet as written in document numbers (the
# abbreviations of Nghị định 30/2020/NĐ-CP: NĐ, QĐ, TTg, BCĐ, QĐi ...): A-Z and Đ, then letters or digits.
_CODE = r"[A-ZĐ][A-Za-zĐđ\d]*"
_NUMBER = (rf"\d{{1,5}}[a-z]?[/-](?:19|20)\d\d/{_CODE}(?:-{_CODE})*"   # normative: 40/2013/NĐ-CP, 19-2017/NQ-CP
           rf"|\d{{1,5}}[a-z]?-{_CODE}/{_CODE}(?:-{_CODE})*"                 # Party: 56-NQ/TW
           rf"|\d{{1,6}}[a-z]?/{_CODE}(?:-{_CODE})*")                        # administrative: 27/NQ-CP, 36a/NQ-CP
_DATE = regex.compile(
    r"(?:,? ?(?:được |đã )?(?:ban hành |ký |có hiệu lực )?(?:vào |từ )?ngày )"
    r"(?:(?P<d>\d{1,2}) ?[/.-] ?(?P<m>\d{1,2})(?: ?[/.-] ?(?P<y>\d{4}))?"
    r"|(?P<d2>\d{1,2}) tháng (?P<m2>\d{1,2})(?: năm (?P<y2>\d{4}))?)")
_LETTER_BEFORE = regex.compile(r"(?:văn bản|Văn bản|công văn|Công văn) (?:số:? ?)?$")
# "của Bộ Chính trị"; "của Hội nghị lần thứ 11 Ban Chấp hành Trung ương Đảng": the plenum's committee issues it
_ISSUER_LEAD = regex.compile(r",? (?:của|do) (?:Hội nghị(?: lần thứ \w+| Trung ương \w+)? )?")
# "Thủ tướng Chính phủ đã ban hành Nghị định ...", "Ban Thường vụ Tỉnh ủy tại Thông báo ..."
_ISSUER_BEFORE = regex.compile(r" (?:đã |vừa |mới |cũng )?(?:ký |ban hành |ra |có )?(?:ban hành )?(?:tại )?$")
_YEAR = regex.compile(r" (?:năm )?((?:19|20)\d\d)(?!\w)")
_LAW_TYPES = ("Bộ luật", "Luật", "Pháp lệnh", "Hiến pháp")
_LAW_STOP = {"sửa đổi", "số"}
_LAW_FIRM_BEFORE = ("Công ty ", "công ty ", "Văn phòng ", "văn phòng ", "hãng ", "Hãng ")
_NOT_LAW_WORDS = {"TNHH", "Sư", "sư", "Gia", "gia", "Hợp", "Tư"}  # "Luật TNHH", "Luật Sư", "Luật Hợp danh"


def _number_key(number: str) -> str:
    """The same document however its number is written: "04-KH/TW" = "4-KH/TW", "40/NĐ-CP" = "40/2013/NĐ-CP"."""
    return regex.sub(r"^0+(?=\d)", "", regex.sub(r"[/-](?:19|20)\d\d/", "/", number))


def _spellings(words) -> str:
    """An alternation of each word as written, lower-cased, capitalised and in capitals.

    Case-sensitive alternatives are several times faster than a case-insensitive group.
    """
    variants = set()
    for word in words:
        variants.update({word, word.lower(), word[0].upper() + word[1:].lower(), word.upper(),
                         " ".join(w[0].upper() + w[1:] for w in word.split(" "))})
    return "|".join(map(regex.escape, sorted(variants, key=len, reverse=True)))


@dataclass(frozen=True)
class Citation:
    doc_type: str
    number: str | None
    mention: Mention
    issue_date: str | None = None
    issuer: str | None = None
    issuer_inferred: bool = False
    title: str | None = None
    year: str | None = None
    short: bool = False        # "Nghị quyết số 56": a number without its codes

    @property
    def key(self) -> tuple:
        return (self.doc_type, self.number or self.title)


class LegalDocumentFinder:
    def __init__(self, resources: Resources):
        self.res = resources
        types = _spellings(resources.document_types)
        # the standard library's re: these literal alternations run 2-3 times faster than with regex
        self.full = re.compile(rf"(?<!\w)(?:(?P<type>{types}) (?:số:? ?)?)?(?P<number>{_NUMBER})(?![\w/-])")
        self.short = re.compile(
            rf"(?<!\w)(?P<type>{types}) (?P<so>số:? ?)?(?P<number>\d{{1,5}})(?![\w/-]|[.,]\d)")
        self.this = re.compile(rf"(?<!\w)(?P<type>{types}) (?:này|nói trên|trên)(?!\w)")
        self.type_of = {t.casefold(): t for t in resources.document_types}
        known = _spellings(t for _, t in resources.laws)
        self.known_laws = {t.casefold(): t for _, t in resources.laws}
        self.named_law = re.compile(
            rf"(?<!\w)(?P<type>{_spellings(_LAW_TYPES)}) (?P<title>(?:{known})(?!\w)|[^\W\d_]\w*(?: \w+){{0,7}})")

    def find(self, text: str, agencies: list[AgencyMatch], titles: list[TitleMatch],
             published: str | None = None) -> list[Citation]:
        """All citations in ``text`` in order: full ones, named laws, then resolved back references.

        ``published`` (ISO date of the article) gives the year of a date written without one ("ngày 29/4").
        """
        self._year = published[:4] if published and regex.match(r"(?:19|20)\d\d", published) else None
        agency_at = {a.start: a for a in agencies if a.kind}
        title_at = {t.start: t for t in titles}
        self._agency_before = {a.end: a for a in agencies if a.kind}
        self._title_before = {t.end: t for t in titles}
        self._localised_names: dict[str, set[str]] = {}
        for a in agencies:
            if a.kind and a.localised and a.base != a.name:
                self._localised_names.setdefault(a.base, set()).add(a.name)
        citations = [self._full(m, text, agency_at, title_at) for m in self.full.finditer(text)]
        citations = [c for c in citations if c is not None]
        taken = [(c.mention.start, c.mention.end) for c in citations]
        for m in self.named_law.finditer(text):
            if not any(s <= m.start() < e for s, e in taken):
                law = self._named(m, text)
                if law:
                    citations.append(law)
        citations.sort(key=lambda c: c.mention.start)
        return citations + self._references(text, citations)

    # -- full citations ------------------------------------------------------------------------
    def _full(self, m, text, agency_at, title_at) -> Citation | None:
        number = m.group("number")
        type_code, issuer_code = self._codes(number)
        if m.group("type"):
            doc_type = self.type_of[m.group("type").casefold()]
        else:
            doc_type = self.res.document_type_by_code.get(type_code)
            if doc_type is None and _LETTER_BEFORE.search(text, max(0, m.start() - 20), m.start()):
                doc_type = "Công văn"  # "văn bản số 6386/BNV-CCVC": a letter numbered issuer first
            if doc_type is None:
                return None
        start = m.start()
        pos = m.end()
        date, pos = self._date_after(text, pos, number)
        issuer, pos2 = self._issuer_after(text, pos, agency_at, title_at)
        if issuer and date is None:
            date, _ = self._date_after(text, pos2, number)
        if issuer is None and m.group("type"):
            issuer = self._issuer_before(text, m.start())
        inferred = False
        if issuer is None and issuer_code:
            issuer = self.res.issuer_codes.get(regex.sub(r"\d+$", "", issuer_code))
            inferred = issuer is not None
            named = self._localised_names.get(issuer, set())
            if len(named) == 1:  # "…/QĐ-UBND" in an article about one Ủy ban nhân dân tỉnh X
                issuer = next(iter(named))
        return Citation(doc_type, number, Mention(start, m.end(), text[start:m.end()]), date, issuer, inferred)

    def _codes(self, number: str) -> tuple[str | None, str | None]:
        """(type code, issuer code) of a number.

        "56-NQ/TW" → (NQ, TW); "40/2013/NĐ-CP" → (NĐ, CP); "24/2018/QH14" → (QH, QH14);
        an administrative letter is numbered issuer first: "4708/BKHĐT-TH" → (None, BKHĐT).
        """
        parts = [p for p in regex.split(r"[/-]", number)[1:] if not p.isdigit()]
        if not parts:
            return None, None
        if len(parts) == 1 and regex.match(r"QH|UBTVQH", parts[0]):
            return "QH", parts[0]
        if parts[0] not in self.res.document_type_by_code:
            return None, parts[0]
        return parts[0], (parts[1] if len(parts) > 1 else None)

    def _date_after(self, text: str, pos: int, number: str | None) -> tuple[str | None, int]:
        m = _DATE.match(text, pos)
        if not m:
            return None, pos
        day, month, year = (m.group("d"), m.group("m"), m.group("y")) if m.group("d") else (
            m.group("d2"), m.group("m2"), m.group("y2"))
        if year is None and number:
            found = regex.search(r"[/-]((?:19|20)\d\d)/", number)
            year = found.group(1) if found else self._year
        if year is None or not (1 <= int(month) <= 12 and 1 <= int(day) <= 31):
            return None, m.end()
        return f"{year}-{int(month):02d}-{int(day):02d}", m.end()

    def _issuer_after(self, text, pos, agency_at, title_at) -> tuple[str | None, int]:
        m = _ISSUER_LEAD.match(text, pos)
        if not m:
            return None, pos
        at = m.end()
        if at in title_at:
            title = title_at[at]
            body = agency_at.get(title.end + 1)
            if body is not None:
                return f"{title.title} {body.name}", body.end
            return title.title, title.end
        if at in agency_at:
            return agency_at[at].name, agency_at[at].end
        return None, pos

    def _issuer_before(self, text: str, start: int) -> str | None:
        """The subject that issues the document: "Thủ tướng Chính phủ đã ban hành Nghị định ..."."""
        for end in range(start - 1, max(0, start - 30), -1):
            body = self._agency_before.get(end)
            if body is None or not _ISSUER_BEFORE.fullmatch(text, end, start):
                continue
            title = self._title_before.get(body.start - 1)
            if title is not None and not title.title.startswith(("Phó", "phó", "nguyên")):
                return f"{title.title} {body.name}"  # a deputy signs on behalf of the body
            return body.name
        return None

    # -- named laws ------------------------------------------------------------------------------
    def _named(self, m, text: str) -> Citation | None:
        doc_type = next(t for t in _LAW_TYPES if t.casefold() == m.group("type").casefold())
        title = m.group("title")
        if title.casefold() in self.known_laws:
            title = self.known_laws[title.casefold()]
        else:
            words = title.split(" ")
            if not title[0].isupper() or self._not_a_law(text, m.start(), words):
                return None
            kept = [words[0]]
            for i, word in enumerate(words[1:], start=1):
                bare = word.rstrip(",.;:)")
                after_capital = i == 1  # "Luật An toàn ...": the second syllable of the first word
                stop = self.res.function_words if after_capital else self.res.name_stopwords
                two = f"{bare} {words[i + 1].rstrip(',.;:)')}" if i + 1 < len(words) else bare
                if (bare in stop or two in self.res.name_stopwords or bare in _LAW_STOP or not bare
                        or bare[0].isdigit() or bare[0].isupper() and len(kept) > 2):
                    break
                kept.append(bare)
                if bare != word:
                    break
            title = " ".join(kept).rstrip(",.;:)")
            if title in self.res.name_stopwords or not title[0].isupper():
                return None
        end = m.start("title") + len(title)
        year = _YEAR.match(text, end)
        return Citation(doc_type, None, Mention(m.start(), end, text[m.start():end]), title=title,
                        year=year.group(1) if year else None)

    def _not_a_law(self, text: str, start: int, words: list[str]) -> bool:
        """"Công ty Luật TNHH ...", "Văn phòng Luật sư ...", "Luật Hàn Quốc": a firm or a country's law."""
        before = text[max(0, start - 12):start]
        if before.endswith(_LAW_FIRM_BEFORE):
            return True
        first_two = " ".join(words[:2]).rstrip(",.;:)")
        return words[0] in _NOT_LAW_WORDS or words[0] in self.res.countries or first_two in self.res.countries

    # -- back references -----------------------------------------------------------------------------
    def _references(self, text: str, citations: list[Citation]) -> list[Citation]:
        numbered = [c for c in citations if c.number]
        taken = [(c.mention.start, c.mention.end) for c in citations]
        refs = []
        for m in self.short.finditer(text):
            if any(s <= m.start() < e for s, e in taken):
                continue
            doc_type = self.type_of[m.group("type").casefold()]
            number = m.group("number")
            target = next((c for c in numbered if c.doc_type == doc_type and regex.match(
                rf"0*{number.lstrip('0') or '0'}[a-z]?[/-]", c.number)), None)
            mention = Mention(m.start(), m.end(), m.group())
            if target is not None:
                refs.append(replace(target, mention=mention))
            elif m.group("type")[0].isupper() or m.group("so"):
                refs.append(Citation(doc_type, number, mention, short=True))
        for m in self.this.finditer(text):
            doc_type = self.type_of[m.group("type").casefold()]
            before = [c for c in citations if c.doc_type == doc_type and c.mention.start < m.start()]
            if before:
                refs.append(replace(before[-1], mention=Mention(m.start(), m.end(), m.group())))
        return refs

    @staticmethod
    def to_records(citations: list[Citation]) -> list[LegalDocument]:
        """One record per document, the first full citation's fields filled in from later ones."""
        grouped: dict[tuple, list[Citation]] = {}
        for c in citations:
            key = (c.doc_type, _number_key(c.number)) if c.number else c.key
            grouped.setdefault(key, []).append(c)
        records = []
        for group in grouped.values():
            first = group[0]
            date = next((c.issue_date for c in group if c.issue_date), None)
            stated = next((c.issuer for c in group if c.issuer and not c.issuer_inferred), None)
            issuer = stated or next((c.issuer for c in group if c.issuer), None)
            records.append(LegalDocument(first.doc_type, first.number, date, issuer, first.title, first.year,
                                         stated is None and issuer is not None,
                                         tuple(sorted((c.mention for c in group), key=lambda x: x.start))))
        return records
