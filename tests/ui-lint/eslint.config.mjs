// The UI is plain ES modules with no bundler: a name used but not defined or
// imported fails only when that code runs, which a window test may never
// reach. This check finds every such name, and every import or variable left
// unused, in all of ui/*.js.
import globals from "globals";

export default [
  // @fluent/bundle, vendored unmodified from npm: checked by its authors.
  { ignores: ["**/vendor/**"] },
  {
    files: ["**/*.js"],
    languageOptions: {
      ecmaVersion: 2024,
      sourceType: "module",
      globals: { ...globals.browser },
    },
    rules: {
      "no-undef": "error",
      "no-unused-vars": ["error", { vars: "all", args: "none" }],
    },
  },
];
