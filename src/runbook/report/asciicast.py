"""The run's terminal transcript as asciicast v2 (what ``asciinema play`` plays), and a
small player of our own for the HTML report (plain JS, no network).

:class:`Recorder` is an Observer: it takes each step's command line and output chunks
with their time as they arrive (unmasked, in memory only). :func:`to_cast` masks them
with the run's final masker when the file is written: a step whose output holds a
secret (perhaps split across two chunks) is written as one masked event at the time of
its first chunk, so no secret survives the chunking.

Format: a header line ``{"version": 2, "width", "height", "timestamp", "env"}``, then one
``[seconds, "o", data]`` line per output event.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import time
from dataclasses import dataclass, field
from typing import Callable, Mapping

from runbook.model import Document, Step
from runbook.run.plan import Plan
from runbook.run.protocol import Observer

_BARE_LF = re.compile(r"(?<!\r)\n")
WIDTH, HEIGHT = 500, 50
"""The session's pty size (``PexpectSession`` spawns 50 rows x 500 columns)."""


@dataclass
class _Group:
    events: list[tuple[float, str]] = field(default_factory=list)


class Recorder(Observer):
    """Collects the transcript of one run: per step, its prompt line and output chunks."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._t0 = clock()
        self.groups: list[_Group] = []

    def run_started(self, doc: Document, plan: Plan) -> None:
        self._t0 = self._clock()

    def step_started(self, step: Step, attempt: int) -> None:
        prompt = "".join(f"$ {line}\r\n" for line in step.source.splitlines() or [""])
        head = f"\x1b[1m# {step.id} {step.title}" + (f" (attempt {attempt})" if attempt > 1 else "") + "\x1b[0m\r\n"
        self.groups.append(_Group([(self._now(), head + prompt)]))

    def step_output(self, step: Step, chunk: str) -> None:
        if not self.groups:
            self.groups.append(_Group())
        # The session's pty does not turn "\n" into "\r\n": a terminal player needs both.
        self.groups[-1].events.append((self._now(), _BARE_LF.sub("\r\n", chunk)))

    def _now(self) -> float:
        return round(self._clock() - self._t0, 6)


def to_cast(rec: Recorder, masker: Callable[[str], str], timestamp: int, env: Mapping[str, str]) -> str:
    """The asciicast v2 text of the recorded run, secrets masked."""
    header = {"version": 2, "width": WIDTH, "height": HEIGHT, "timestamp": timestamp, "env": dict(env)}
    lines = [json.dumps(header)]
    for g in rec.groups:
        if not g.events:
            continue
        whole = "".join(text for _, text in g.events)
        masked = masker(whole)
        events = g.events if masked == whole else [(g.events[0][0], masked)]
        lines.extend(json.dumps([t, "o", text]) for t, text in events)
    return "\n".join(lines) + "\n"


_PLAYER_JS = r"""(function(){
var data=document.getElementById('rb-cast'),screen=document.getElementById('rb-cast-screen'),
btn=document.getElementById('rb-cast-play');if(!data||!screen||!btn)return;
var lines=data.textContent.split('\n').filter(function(l){return l.trim();}),events=[];
for(var i=1;i<lines.length;i++){try{var e=JSON.parse(lines[i]);if(e[1]==='o')events.push(e);}catch(x){}}
var timer=null;
function clean(s){return s.replace(/\x1b\[[0-9;?]*[ -\/]*[@-~]/g,'').replace(/\x1b[\]P][^\x07\x1b]*(\x07|\x1b\\)?/g,'')
.replace(/\r\n/g,'\n');}
function put(s){var t=screen.textContent+clean(s),parts=t.split('\n');
for(var k=0;k<parts.length;k++){var cr=parts[k].lastIndexOf('\r');if(cr>=0)parts[k]=parts[k].slice(cr+1);}
screen.textContent=parts.join('\n');screen.scrollTop=screen.scrollHeight;}
function play(){if(timer){clearTimeout(timer);timer=null;btn.textContent='\u25b6 Play';return;}
screen.textContent='';btn.textContent='\u25a0 Stop';var n=0,start=Date.now();
(function next(){while(n<events.length&&events[n][0]*1000<=Date.now()-start){put(events[n][2]);n++;}
if(n<events.length){timer=setTimeout(next,Math.min(200,events[n][0]*1000-(Date.now()-start)));}
else{timer=null;btn.textContent='\u25b6 Play';}})();}
btn.addEventListener('click',play);
document.getElementById('rb-cast-all').addEventListener('click',function(){
if(timer){clearTimeout(timer);timer=null;btn.textContent='\u25b6 Play';}
screen.textContent='';for(var j=0;j<events.length;j++)put(events[j][2]);});
})();"""


def with_player(page: str, cast: str, href: str) -> str:
    """The HTML report with a link to the transcript and an inline player (its script's
    hash added to the page's Content-Security-Policy, so nothing else may run)."""
    digest = base64.b64encode(hashlib.sha256(_PLAYER_JS.encode("utf-8")).digest()).decode("ascii")
    page = re.sub(r"script-src ((?:'|&#x27;)sha256-[^'&]+(?:'|&#x27;))",
                  lambda m: f"script-src {m.group(1)} &#x27;sha256-{digest}&#x27;", page, count=1)
    data = cast.replace("</", "<\\/")
    section = (
        '<section id="rb-transcript" style="margin:1em auto;max-width:80em;padding:0 1em">'
        f'<h2>Terminal transcript</h2><p><a href="{href}">{href}</a> (asciicast v2: '
        f'<code>asciinema play {href}</code>) · <button id="rb-cast-play" type="button">\u25b6 Play</button> '
        '<button id="rb-cast-all" type="button">Show all</button></p>'
        '<pre id="rb-cast-screen" style="max-height:30em;overflow:auto;background:#111;color:#ddd;'
        'padding:.5em;white-space:pre-wrap"></pre>'
        f'<script type="application/json" id="rb-cast">{data}</script>'
        f"<script>{_PLAYER_JS}</script></section>")
    at = page.rfind("<footer>")
    return page[:at] + section + page[at:] if at >= 0 else page + section
