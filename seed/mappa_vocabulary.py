"""Words of the synthetic MAPPA records (issue 14): offences, courts, sentences, prisons,
licence conditions, meeting decisions and actions. All invented; the offence codes follow the
Home Office's `NNN/NN` shape without claiming to be its list."""

from __future__ import annotations

#: Offences by nominal type: (Home Office style offence code, title).
OFFENCES: dict[str, tuple[tuple[str, str], ...]] = {
    "RSO": (
        ("019/11", "Rape of a female aged 16 or over"),
        ("020/07", "Sexual assault on a female aged 13 or over"),
        ("022/08", "Sexual activity with a child"),
        ("086/02", "Making indecent photographs of a child"),
        ("088/11", "Meeting a child following sexual grooming"),
        ("017/02", "Exposure"),
    ),
    "VIOLENT": (
        ("005/01", "Wounding with intent to do grievous bodily harm"),
        ("008/06", "Assault occasioning actual bodily harm"),
        ("003/01", "Threats to kill"),
        ("034/01", "Robbery of personal property"),
        ("008/64", "Controlling or coercive behaviour in an intimate or family relationship"),
        ("001/01", "Manslaughter"),
    ),
    "TERRORIST": (
        ("059/10", "Preparation of terrorist acts"),
        ("059/13", "Dissemination of terrorist publications"),
        ("059/22", "Collection of information useful for terrorism"),
    ),
    "PDP": (
        ("008/06", "Assault occasioning actual bodily harm"),
        ("195/12", "Stalking involving fear of violence"),
        ("008/64", "Controlling or coercive behaviour in an intimate or family relationship"),
        ("010/01", "Possession of an offensive weapon"),
    ),
}
SENTENCES = (
    "Imprisonment 18 months",
    "Imprisonment 3 years",
    "Imprisonment 6 years",
    "Extended determinate sentence 8 years (custody 5, extension 3)",
    "Suspended sentence order 2 years, 200 hours unpaid work",
    "Community order 2 years with rehabilitation activity requirement",
    "Life imprisonment, minimum term 12 years",
    "Sentence for offenders of particular concern 7 years",
)
PRISONS = (
    "HMP Wakefield", "HMP Frankland", "HMP Whatton", "HMP Isle of Wight", "HMP Full Sutton",
    "HMP Manchester", "HMP Birmingham", "HMP Belmarsh", "HMP Long Lartin", "HMP Bullingdon",
    "HMP Durham", "HMP Cardiff", "HMP Leeds", "HMP Nottingham", "HMP Exeter",
)  # fmt: skip
#: Licence conditions by kind; `{town}` is the offender's town.
LICENCE_CONDITIONS: dict[str, tuple[str, ...]] = {
    "EXCLUSION_ZONE": (
        "Not to enter the exclusion zone around the victim's home in {town}, as shown on the map",
        "Not to enter {town} city centre without the prior approval of the supervising officer",
    ),
    "CURFEW": (
        "To remain at the approved address between 19:00 and 07:00, electronically monitored",
        "To comply with a curfew from 21:00 to 06:00 at the approved address",
    ),
    "NO_CONTACT": (
        "Not to contact the victim directly or indirectly",
        "Not to have unsupervised contact with any child under 18",
        "Not to contact named co-defendants without approval",
    ),
    "RESIDENCE": (
        "To reside at the approved premises and comply with its rules",
        "To reside permanently at an address approved by the supervising officer",
    ),
    "OTHER": (
        "To comply with polygraph examinations as instructed",
        "Not to use any device capable of accessing the internet unless it can be monitored",
        "To engage with the drug and alcohol service",
    ),
}
LICENCE_SETTERS = ("Parole Board", "HMPPS Public Protection Casework Section", "Crown Court")
#: Decisions a MAPPA meeting records.
DECISIONS = (
    "Remain at MAPPA level {level}; review in twelve weeks",
    "Police to conduct an unannounced home visit before the next meeting",
    "Housing to confirm the suitability of the proposed move-on address",
    "Probation to request an additional licence condition (exclusion zone)",
    "Share the risk management plan with children's services",
    "Refer for a polygraph examination",
    "Electronic monitoring to continue; review the curfew hours",
)
ACTIONS = (
    "Unannounced home visit and report back",
    "Confirm the move-on address with the housing provider",
    "Update the victim liaison officer",
    "Apply for an additional licence condition",
    "Check the vehicle recorded at the address",
    "Complete a child safeguarding check of the household",
    "Arrange a polygraph examination",
    "Review the notification details at the next visit",
)
