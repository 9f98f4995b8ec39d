/** Wiring: configuration, sign-in, the upload form, the live connection and the list. */
import {
  createRestClient,
  JobStatusStore,
  LiveStatus,
  uploadVideo,
  type LiveState,
} from "@echo-video/client";

import { bytes } from "./format.js";
import { devSignIn, loadConfig, storedSession, type AppConfig, type Session } from "./session.js";
import { VideoList } from "./videos.js";

function required<T extends Element>(selector: string): T {
  const node = document.querySelector<T>(selector);
  if (!node) throw new Error(`missing ${selector}`);
  return node;
}

function start(config: AppConfig, session: Session): void {
  required<HTMLElement>("#sign-in").hidden = true;
  required<HTMLElement>("#app").hidden = false;
  required<HTMLElement>("#account").textContent = `Signed in as the demo user ${session.userId}`;

  const rest = createRestClient({ baseUrl: config.gatewayUrl, token: session.token });
  const jobs = new JobStatusStore();
  const list = new VideoList(rest, jobs, required<HTMLElement>("#videos"), config.gatewayUrl);
  const liveState = required<HTMLElement>("#live-state");
  new LiveStatus({
    baseUrl: config.notifierUrl,
    token: session.token,
    transport: "websocket",
    onMessage: (message) => {
      jobs.apply(message);
      // A job that ends changes its video (status, outputs): list it again.
      if (message.type === "job.status" && (message.status === "completed" || message.status === "failed")) {
        void list.refresh();
      }
    },
    onStateChange: (state: LiveState, detail?: string) => {
      liveState.textContent = `Live updates: ${state}${detail ? ` (${detail})` : ""}`;
      liveState.dataset.state = state;
    },
  });
  void list.refresh();
  wireUpload(config, session, list);
}

function wireUpload(config: AppConfig, session: Session, list: VideoList): void {
  const form = required<HTMLFormElement>("#upload-form");
  const bar = required<HTMLProgressElement>("#upload-progress");
  const status = required<HTMLElement>("#upload-status");
  const pause = required<HTMLButtonElement>("#upload-pause");
  let controller: AbortController | undefined;
  pause.onclick = () => controller?.abort(new Error("paused"));
  form.onsubmit = async (event) => {
    event.preventDefault();
    const file = required<HTMLInputElement>("#upload-file").files?.[0];
    if (!file) return;
    const title = required<HTMLInputElement>("#upload-title-input").value.trim();
    controller = new AbortController();
    pause.disabled = false;
    status.textContent = `Uploading ${file.name} (${bytes(file.size)}) ...`;
    try {
      const { videoId } = await uploadVideo({
        baseUrl: config.gatewayUrl,
        token: session.token,
        file,
        filename: file.name,
        filetype: file.type || "application/octet-stream",
        ...(title ? { title } : {}),
        signal: controller.signal,
        onProgress: ({ percent, bytesUploaded, bytesTotal }) => {
          bar.value = percent;
          status.textContent = `${Math.round(percent)}% (${bytes(bytesUploaded)} of ${bytes(bytesTotal)})`;
        },
      });
      status.textContent = "Uploaded; processing starts now.";
      status.dataset.videoId = videoId;
      await list.refresh();
    } catch (error) {
      status.textContent =
        controller.signal.aborted ? "Paused: choose Upload again to resume." : `Upload failed: ${String(error)}`;
    } finally {
      pause.disabled = true;
    }
  };
}

async function main(): Promise<void> {
  const config = await loadConfig();
  const existing = storedSession();
  if (existing) {
    start(config, existing);
    return;
  }
  const button = required<HTMLButtonElement>("#dev-sign-in");
  button.hidden = !config.devSignIn;
  button.onclick = async () => {
    try {
      start(config, await devSignIn());
    } catch (error) {
      required<HTMLElement>("#sign-in-error").textContent = String(error);
    }
  };
}

void main();
