/** The player: HLS through hls.js (the MP4 where HLS is absent), and the storyboard's
 * thumbnail shown while the pointer moves over the scrubber. */
import Hls from "hls.js";

import { absoluteUrl, type VideoWithJobsResponseSchema } from "@echo-video/client";

import { el } from "./format.js";

interface Cue {
  start: number;
  end: number;
  url: string;
  x: number;
  y: number;
  w: number;
  h: number;
}

let hls: Hls | undefined;

export function showVideo(video: VideoWithJobsResponseSchema, gatewayUrl: string): void {
  const link = (url: string | null | undefined): string | undefined =>
    url ? absoluteUrl(gatewayUrl, url) : undefined;
  const section = document.querySelector<HTMLElement>("#detail");
  const player = document.querySelector<HTMLVideoElement>("#player");
  const renditions = document.querySelector<HTMLElement>("#renditions");
  if (!section || !player || !renditions) return;
  section.hidden = false;
  const title = document.querySelector("#detail-title");
  if (title) title.textContent = video.title;
  hls?.destroy();
  hls = undefined;
  renditions.textContent = "";
  const playback = video.playback;
  const hlsUrl = link(playback?.hls_url);
  const mp4Url = link(playback?.mp4_url);
  const posterUrl = link(playback?.poster_url);
  if (hlsUrl && Hls.isSupported()) {
    const instance = new Hls();
    hls = instance;
    instance.on(Hls.Events.MANIFEST_PARSED, (_event, data) => {
      renditions.replaceChildren(
        ...data.levels.map((level) =>
          el("span", { class: "rendition" }, `${level.height}p (${Math.round(level.bitrate / 1000)} kb/s) `),
        ),
      );
      renditions.dataset.count = String(data.levels.length);
    });
    player.dataset.source = hlsUrl;
    instance.loadSource(hlsUrl);
    instance.attachMedia(player);
  } else if (mp4Url) {
    player.dataset.source = mp4Url;
    player.src = mp4Url;
    renditions.textContent = "MP4";
    renditions.dataset.count = "1";
  }
  if (posterUrl) player.poster = posterUrl;
  void setUpStoryboard(player, link(playback?.storyboard_url));
  showMetadata(video);
}

function showMetadata(video: VideoWithJobsResponseSchema): void {
  const list = document.querySelector<HTMLElement>("#metadata");
  if (!list) return;
  const meta = video.metadata;
  const rows: [string, string][] = [
    ["File", video.original_filename],
    ["Size", `${video.size_bytes} bytes`],
    ["Container", meta?.container_format ?? ""],
    ["Duration", meta?.duration_seconds ? `${meta.duration_seconds.toFixed(2)} s` : ""],
    ["Video", meta?.video_codec ? `${meta.video_codec} ${meta.width}×${meta.height}` : ""],
    ["Frame rate", meta?.frame_rate ? `${meta.frame_rate}` : ""],
    ["Audio", meta?.audio_codec ? `${meta.audio_codec}, ${meta.audio_channels} ch` : ""],
  ];
  list.replaceChildren(
    ...rows.filter(([, value]) => value).flatMap(([name, value]) => [el("dt", {}, name), el("dd", {}, value)]),
  );
}

async function setUpStoryboard(player: HTMLVideoElement, vttUrl: string | undefined): Promise<void> {
  const scrubber = document.querySelector<HTMLElement>("#scrubber");
  const preview = document.querySelector<HTMLElement>("#storyboard-preview");
  const thumb = document.querySelector<HTMLImageElement>("#storyboard-thumb");
  const label = document.querySelector<HTMLElement>("#scrubber-time");
  if (!scrubber || !preview || !thumb || !label) return;
  const cues = vttUrl ? parseVtt(await (await fetch(vttUrl)).text(), vttUrl) : [];
  const timeAt = (event: MouseEvent): number => {
    const box = scrubber.getBoundingClientRect();
    const fraction = Math.min(Math.max((event.clientX - box.left) / box.width, 0), 1);
    const duration = Number.isFinite(player.duration) ? player.duration : (cues.at(-1)?.end ?? 0);
    return fraction * duration;
  };
  scrubber.onmousemove = (event) => {
    const time = timeAt(event);
    label.textContent = `${time.toFixed(1)} s`;
    const cue = cues.find((c) => time >= c.start && time < c.end) ?? cues.at(-1);
    if (!cue) return;
    if (thumb.src !== cue.url) thumb.src = cue.url;
    thumb.style.left = `-${cue.x}px`;
    thumb.style.top = `-${cue.y}px`;
    preview.style.width = `${cue.w}px`;
    preview.style.height = `${cue.h}px`;
    const box = scrubber.getBoundingClientRect();
    preview.style.left = `${Math.max(0, event.clientX - box.left - cue.w / 2)}px`;
    preview.hidden = false;
  };
  scrubber.onmouseleave = () => {
    preview.hidden = true;
  };
  scrubber.onclick = (event) => {
    player.currentTime = timeAt(event);
  };
}

/** The cues of a storyboard WebVTT: `start --> end` then `sprite.jpg#xywh=x,y,w,h`. */
function parseVtt(text: string, base: string): Cue[] {
  const cues: Cue[] = [];
  const blocks = text.replace(/\r/g, "").split("\n\n");
  for (const block of blocks) {
    const lines = block.split("\n").filter(Boolean);
    const timing = lines.findIndex((line) => line.includes("-->"));
    const target = lines[timing + 1];
    if (timing < 0 || !target) continue;
    const [start = "", end = ""] = (lines[timing] ?? "").split("-->").map((s) => s.trim());
    const [file = "", fragment = ""] = target.split("#xywh=");
    const [x = 0, y = 0, w = 0, h = 0] = fragment.split(",").map(Number);
    cues.push({ start: seconds(start), end: seconds(end), url: new URL(file, base).href, x, y, w, h });
  }
  return cues;
}

function seconds(stamp: string): number {
  return stamp.split(":").reduce((total, part) => total * 60 + Number(part), 0);
}
