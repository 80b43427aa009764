# Sourced by tools/e2e/setup.sh. Run from inside `npm run`/`npm test`, a script inherits the OUTER npm's
# environment: npm_config_user_agent names the outer Node (code-server's postinstall reads its Node major from it
# and refuses anything but 24), npm_config_node_gyp and npm_config_nodedir point at the outer Node's node-gyp and
# headers, npm_config_local_prefix at the outer project, NODE at the outer node binary. A nested install must see
# the environment of a plain shell instead, so all of those go. Kept: the settings that say how to reach the
# registry (a user's proxy, mirror or certificate), which the user may have set only in the environment.
polyspec_scrub_npm_env() {
  local v
  for v in $(compgen -e); do
    case "$v" in
      npm_config_registry|npm_config_proxy|npm_config_https_proxy|npm_config_noproxy|npm_config_cafile|npm_config_ca|\
      npm_config_strict_ssl|npm_config_cache|npm_config_userconfig|npm_config_globalconfig) ;;
      npm_*|NPM_CONFIG_*|INIT_CWD|NODE) unset "$v" ;;
    esac
  done
}
