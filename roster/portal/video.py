"""The video of a Video lesson, found in its contents and made embeddable."""

import re
from dataclasses import dataclass

URL = re.compile(r"""https?://[^\s"'<>]+""")
YOUTUBE = re.compile(
    r"^https?://(?:www\.|m\.)?(?:youtube\.com/(?:watch\?(?:.*&)?v=|embed/)"
    r"|youtu\.be/)([\w-]{6,})"
)
VIMEO = re.compile(r"^https?://(?:www\.|player\.)?vimeo\.com/(?:video/)?(\d+)")
FILE = re.compile(r"\.(?:mp4|webm|ogv|ogg)(?:[?#].*)?$", re.IGNORECASE)


@dataclass(frozen=True)
class Video:
    """`kind` is "frame" (a player page to embed) or "file" (a video file)."""

    kind: str
    url: str


def find_video(contents):
    """The first video URL in a lesson's HTML, or None."""
    for match in URL.finditer(contents or ""):
        url = match.group(0).replace("&amp;", "&")
        if found := YOUTUBE.match(url):
            return Video("frame", f"https://www.youtube-nocookie.com/embed/{found[1]}")
        if found := VIMEO.match(url):
            return Video("frame", f"https://player.vimeo.com/video/{found[1]}")
        if FILE.search(url):
            return Video("file", url)
    return None
