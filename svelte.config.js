import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';

/** Svelte 5; our components use runes, the Rete node/socket views use props the plugin updates in place. */
export default {
  preprocess: vitePreprocess(),
};
