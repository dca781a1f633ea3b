// What the page uses of the globals Tauri (withGlobalTauri) and the test hook define.
import type { ChannelOf } from "./gen/ipc";
import type { TestHook } from "./test-hook.js";

declare global {
  interface Window {
    __TAURI__?: {
      core: {
        invoke(command: string, args?: Record<string, unknown>): Promise<unknown>;
        Channel: new <T>() => ChannelOf<T>;
      };
    };
    /** Only in builds with `test-hooks`: see ui/test-hook.js. */
    __sseMonitorTest?: TestHook;
  }
}
