package timeline

import (
	"bytes"
	"fmt"
	"io"
	"time"

	"github.com/interleave-lab/interleave/tracefile"
)

// pageCSS styles the page around the timeline.
const pageCSS = `
body{font:14px sans-serif;margin:16px;color:#1a202c;background:#fff}
h1{font-size:18px;margin:0 0 8px}
dl{display:grid;grid-template-columns:max-content auto;gap:2px 12px;margin:0 0 12px}
dt{font-weight:bold}dd{margin:0;font-family:monospace;white-space:pre-wrap;word-break:break-all}
dd.failure{color:#c53030}
#scroll{overflow-x:auto;overflow-y:hidden;border:1px solid #cbd5e0;max-width:100%}
#hover{font-family:monospace;min-height:1.4em;margin:8px 0;white-space:pre}
pre{font-size:12px;overflow-x:auto}
`

// pageJS shows the hovered step's line and checks the page once drawn:
// every lane and mark is there, no two marks of a lane overlap, nothing
// is drawn outside the picture. It writes "selfcheck: ok ..." or
// "selfcheck: FAIL ..." into #selfcheck, which a headless browser's
// --dump-dom reads back.
const pageJS = `
(function(){
  var svg=document.getElementById('timeline');
  var hover=document.getElementById('hover');
  svg.addEventListener('mouseover',function(e){
    var g=e.target.closest('.mark');
    if(g){hover.textContent=g.querySelector('title').textContent;}
  });
  var problems=[];
  var lanes=svg.querySelectorAll('.lane').length;
  var marks=svg.querySelectorAll('.mark');
  if(lanes!=+svg.dataset.lanes)problems.push('lanes '+lanes+' want '+svg.dataset.lanes);
  if(marks.length!=+svg.dataset.steps)problems.push('marks '+marks.length+' want '+svg.dataset.steps);
  var w=+svg.getAttribute('width'),h=+svg.getAttribute('height');
  var boxes=[];
  for(var i=0;i<marks.length;i++){
    var b=marks[i].getBBox();
    if(b.width<=0||b.height<=0)problems.push('mark '+i+' is empty');
    if(b.x<0||b.y<0||b.x+b.width>w||b.y+b.height>h)problems.push('mark '+i+' outside the picture');
    boxes.push(b);
  }
  var byRow={};
  for(var i=0;i<boxes.length;i++){var k=Math.round(boxes[i].y);(byRow[k]=byRow[k]||[]).push(boxes[i]);}
  for(var k in byRow){
    var row=byRow[k].sort(function(a,b){return a.x-b.x;});
    for(var j=1;j<row.length;j++)if(row[j].x<row[j-1].x+row[j-1].width-0.01)problems.push('marks overlap at x='+row[j].x);
  }
  var all=svg.querySelectorAll('text,rect,path,line,circle');
  for(var i=0;i<all.length;i++){
    var b=all[i].getBBox();
    if(b.x<-1||b.x+b.width>w+1||b.y+b.height>h+1)problems.push(all[i].tagName+' '+(all[i].textContent||'').slice(0,30)+' overflows');
  }
  var out=document.getElementById('selfcheck');
  out.textContent=problems.length?('selfcheck: FAIL '+problems.slice(0,10).join('; ')):
    ('selfcheck: ok lanes='+lanes+' marks='+marks.length);
})();
`

// HTML returns the timeline of f as a self-contained HTML page.
func HTML(f *tracefile.File) []byte {
	var b bytes.Buffer
	WriteHTML(&b, f)
	return b.Bytes()
}

// WriteHTML writes the timeline of f to w as a self-contained HTML page:
// a header with the test, the interleaving, the schedule, the failure and
// the replay command; the timeline (scrolling across); the text trace.
func WriteHTML(w io.Writer, f *tracefile.File) error {
	var b bytes.Buffer
	title := "interleaving " + f.Fingerprint
	if f.Test != "" {
		title = f.Test + ": " + title
	}
	fmt.Fprintf(&b, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>%s</title>\n<style>%s%s</style></head>\n<body>\n", esc(title), pageCSS, style)
	fmt.Fprintf(&b, "<h1>%s</h1>\n<dl>\n", esc(title))
	row := func(k, v, cls string) {
		if v != "" {
			fmt.Fprintf(&b, "<dt>%s</dt><dd class=%q>%s</dd>\n", k, cls, esc(v))
		}
	}
	row("steps", fmt.Sprintf("%d steps, %d threads, %v virtual", len(f.Steps), len(f.Threads), time.Duration(f.DurationNs)), "")
	row("schedule", f.Schedule, "")
	row("failure", f.Failure, "failure")
	row("replay", f.Replay, "")
	b.WriteString("</dl>\n<div id=\"hover\">hover a mark to see its step</div>\n<div id=\"scroll\">\n")
	writeSVG(&b, f, false)
	b.WriteString("</div>\n<p id=\"selfcheck\">selfcheck: not run</p>\n")
	fmt.Fprintf(&b, "<details><summary>text trace</summary><pre>%s</pre></details>\n", esc(f.Text()))
	fmt.Fprintf(&b, "<script>%s</script>\n</body></html>\n", pageJS)
	_, err := w.Write(b.Bytes())
	return err
}
