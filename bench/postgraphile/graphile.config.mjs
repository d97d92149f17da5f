// PostGraphile 5 as bench/run.sh runs it: the Amber preset over the bench database's `public`
// schema, a pool of 4 like the Papers server, and the viewer (user 1, the bench's signed-in user)
// passed as a setting for `papers_viewer_has_upvoted` (functions.sql). PostGraphile checks no
// token here, which saves it the user-row read the Papers server makes on every request.
import { PostGraphileAmberPreset } from "postgraphile/presets/amber";
import { makePgService } from "postgraphile/adaptors/pg";

export default {
  extends: [PostGraphileAmberPreset],
  pgServices: [
    makePgService({
      connectionString: process.env.DATABASE_URL,
      schemas: ["public"],
      poolConfig: { max: 4 },
    }),
  ],
  grafserv: { port: Number(process.env.PORT), host: "127.0.0.1" },
  grafast: {
    explain: false,
    context() {
      return { pgSettings: { "papers.viewer": "1" } };
    },
  },
};
