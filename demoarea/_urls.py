"""URL schemes of the content management systems councils used around 2005.

Each site gets one scheme; the request targets are what real sites of the kind looked like
(ModernGov committee pages, Jadu ``/site/scripts/*.php?…ID=``, ColdFusion ``index.cfm?articleid=``,
static ``.aspx`` paths), so a crawler meets query strings, ``.php``/``.cfm``/``.aspx`` endings and
trailing-slash directories in one area.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ._text import slugify


@dataclass
class UrlScheme:
    cms: str
    next_id: int = 1000
    used: set[str] = field(default_factory=set)

    def _id(self) -> int:
        self.next_id += 1
        return self.next_id

    def unique(self, target: str) -> str:
        if target in self.used:
            base, n = target, 2
            sep = "&" if "?" in base else "?"
            while target in self.used:
                target = f"{base}{sep}v={n}" if self.cms in ("jadu", "coldfusion") else (
                    base.rstrip("/") + f"-{n}" + ("/" if base.endswith("/") else ""))
                n += 1
        self.used.add(target)
        return target

    # --- ordinary content pages ----------------------------------------------------------
    def page(self, section: str, slug: str) -> str:
        if self.cms == "jadu":
            return self.unique(f"/site/scripts/documents_info.php?documentID={self._id()}")
        if self.cms == "coldfusion":
            return self.unique(f"/index.cfm?articleid={self._id()}")
        if self.cms == "static":
            return self.unique(f"/{section}/{slug}.aspx")
        return self.unique(f"/{section}/{slug}/")

    def category(self, slug: str) -> str:
        if self.cms == "jadu":
            return self.unique(f"/site/scripts/documents.php?categoryID={self._id()}")
        if self.cms == "coldfusion":
            return self.unique(f"/index.cfm?articleid={self._id()}")
        if self.cms == "static":
            return self.unique(f"/{slug}/default.aspx")
        return self.unique(f"/{slug}/")

    def sub(self, parent: str, slug: str) -> str:
        if self.cms in ("jadu", "coldfusion"):
            return self.page("", slug)
        if self.cms == "static":
            return self.unique(parent.removesuffix(".aspx") + f"/{slug}.aspx")
        return self.unique(parent + f"{slug}/")

    # --- listings and collections ---------------------------------------------------------
    def listing(self, section: str, page_no: int) -> str:
        if self.cms == "jadu":
            return self.unique(f"/site/scripts/{section}_archive.php?page={page_no}")
        if self.cms == "coldfusion":
            return self.unique(f"/index.cfm?articleid={self._id()}&page={page_no}")
        if self.cms == "static":
            return self.unique(f"/{section}/default.aspx?page={page_no}")
        return self.unique(f"/{section}/?page={page_no}")

    def item(self, section: str, n: int, slug: str) -> str:
        slug = slugify(slug)
        if self.cms == "jadu":
            return self.unique(f"/site/scripts/{section}_info.php?{section}ID={n}")
        if self.cms == "coldfusion":
            return self.unique(f"/{section}/index.cfm?fuseaction=detail&id={n}")
        if self.cms == "static":
            return self.unique(f"/{section}/{n}-{slug}.aspx")
        return self.unique(f"/{section}/{n}/{slug}/")

    # --- democracy ------------------------------------------------------------------------
    def committee(self, cid: int, slug: str) -> str:
        if self.cms == "modgov":
            return self.unique(f"/mgCommitteeDetails.aspx?ID={cid}")
        return self.item("committee", cid, slug)

    def meeting(self, cid: int, mid: int, slug: str) -> str:
        if self.cms == "modgov":
            return self.unique(f"/ieListDocuments.aspx?CId={cid}&MId={mid}")
        return self.item("meeting", mid, slug)

    def minutes(self, cid: int, mid: int, slug: str) -> str:
        if self.cms == "modgov":
            return self.unique(f"/ieListDocuments.aspx?CId={cid}&MId={mid}&Ver=4")
        return self.item("minutes", mid, slug)

    def councillor(self, uid: int, slug: str) -> str:
        if self.cms == "modgov":
            return self.unique(f"/mgUserInfo.aspx?UID={uid}")
        return self.item("councillor", uid, slug)

    def councillors_az(self) -> str:
        if self.cms == "modgov":
            return self.unique("/mgMemberIndex.aspx?FN=ALPHA")
        if self.cms == "jadu":
            return self.unique("/site/scripts/councillors.php?view=az")
        if self.cms == "coldfusion":
            return self.unique("/councillors/index.cfm?fuseaction=az")
        return self.unique("/councillors/a_to_z_of_councillors.aspx")

    def calendar(self) -> str:
        return {"modgov": "/events/calendar", "jadu": "/site/scripts/events.php",
                "coldfusion": "/events/index.cfm", "static": "/whats_on/calendar.aspx"}[self.cms]

    def tracking(self) -> str:
        return {"modgov": "/contact-us/track-your-enquiry/", "jadu": "/site/scripts/track.php",
                "coldfusion": "/enquiries/track.cfm", "static": "/contact/track.aspx"}[self.cms]

    def action(self, name: str) -> str:
        return {"modgov": f"/forms/{name}/submit",
                "jadu": f"/site/scripts/xforms_submit.php?form={name}",
                "coldfusion": f"/forms/index.cfm?fuseaction=submit&form={name}",
                "static": f"/forms/{name}.aspx?action=submit"}[self.cms]

    def search(self) -> str:
        return {"modgov": "/search/", "jadu": "/site/scripts/google_results.php",
                "coldfusion": "/search/index.cfm", "static": "/search.aspx"}[self.cms]
