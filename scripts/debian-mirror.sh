#!/usr/bin/env bash
# Prints the URL of the Debian mirror this host's apt fetches its own release from, for debootstrap: so the box
# and image builds work wherever this host's apt works (a company mirror, a caching proxy), and no mirror's name is
# written into the repository.
#
#   scripts/debian-mirror.sh      prints the URL, e.g. http://HOST/debian
#
# The mirror is the first source, in apt's own order (sources.list, then sources.list.d/ by file name), that has
# type deb, component main and the host's Debian codename (os-release's VERSION_CODENAME) as a suite: that is the
# host's main archive, not its -security or -updates suite and not a third party's (those name their own suites,
# or share the codename under another component). One-line (*.list) and deb822 (*.sources) entries are both read;
# a mirror+file: entry is read through its mirror list. Any Debian mirror serves every current release, so one for
# the host's release serves the bookworm the builds bootstrap.
#
#   XIDLAB_DEBIAN_MIRROR   the URL to use instead: nothing is read
#   XIDLAB_APT_ETC         the directory read in place of /etc (its os-release and apt/); the tests set it
#
# Exit 3 (and one line on stderr) when the host's sources name no such mirror; 2 when XIDLAB_DEBIAN_MIRROR is not
# a URL.
set -euo pipefail
# apt reads sources.list.d/ in byte order of the names.
export LC_ALL=C

me=debian-mirror.sh

if [ -n "${XIDLAB_DEBIAN_MIRROR:-}" ]; then
    case "$XIDLAB_DEBIAN_MIRROR" in
        http://?* | https://?* | file:/?*) echo "${XIDLAB_DEBIAN_MIRROR%/}"; exit 0 ;;
        *) echo "$me: XIDLAB_DEBIAN_MIRROR must be an http://, https:// or file:/ URL, not '$XIDLAB_DEBIAN_MIRROR'" >&2; exit 2 ;;
    esac
fi

etc="${XIDLAB_APT_ETC:-/etc}"
apt="$etc/apt"
fix="set XIDLAB_DEBIAN_MIRROR to the URL of a Debian mirror"

id="" codename="" version=""
if [ -r "$etc/os-release" ]; then
    # shellcheck disable=SC1090,SC1091  # os-release is shell assignments by its specification
    id=$(. "$etc/os-release" && echo "${ID:-}")
    # shellcheck disable=SC1090,SC1091  # the same os-release, for its codename
    codename=$(. "$etc/os-release" && echo "${VERSION_CODENAME:-}")
    # shellcheck disable=SC1090,SC1091  # the same os-release, for its version
    version=$(. "$etc/os-release" && echo "${VERSION_ID:-}")
fi
[ "$id" = debian ] || { echo "$me: this host is not Debian (os-release ID '${id:-none}' in $etc), so its apt sources name no Debian mirror; $fix" >&2; exit 3; }
suites=" $codename "
# testing and unstable have no VERSION_ID, and their sources often name the suite by its alias.
[ -n "$version" ] || suites="$suites sid unstable testing "

# The URL debootstrap can fetch from, for a source's URI; nothing for the schemes it cannot (cdrom:, tor+,
# a mirror list on the network).
usable() {
    local uri=$1 list line
    case "$uri" in
        http://?* | https://?* | file:/?*) echo "${uri%/}" ;;
        mirror+file:/?*)
            list=${uri#mirror+file:}
            case "$list" in /etc/*) list="$etc/${list#/etc/}" ;; esac
            [ -r "$list" ] || return 0
            while read -r line _; do
                case "$line" in '' | '#'*) continue ;; esac
                usable "$line"
                return 0
            done <"$list"
            ;;
    esac
}

found=""

# Sets found when a source of these types, URI, suites and components is the host's main archive.
consider() {
    local types=" $1 " uri=$2 suite components=" $4 "
    [ -z "$found" ] || return 0
    case "$types" in *" deb "*) ;; *) return 0 ;; esac
    case "$components" in *" main "*) ;; *) return 0 ;; esac
    for suite in $3; do
        case "$suites" in *" ${suite%/} "*) found=$(usable "$uri"); return 0 ;; esac
    done
}

# deb [ options ] URI SUITE COMPONENT...
one_line() {
    local line words options
    while IFS= read -r line || [ -n "$line" ]; do
        line=${line%%#*}
        read -r -a words <<<"$line"
        [ "${#words[@]}" -ge 3 ] || continue
        options=0
        if [[ ${words[1]} == "["* ]]; then
            # The options run to the first word that ends with ].
            for ((options = 1; options < ${#words[@]}; options++)); do
                [[ ${words[options]} == *"]" ]] && break
            done
        fi
        words=("${words[0]}" "${words[@]:options+1}")
        [ "${#words[@]}" -ge 4 ] || continue
        consider "${words[0]}" "${words[1]}" "${words[2]}" "${words[*]:3}"
    done <"$1"
}

# One deb822 stanza's fields, as deb822 reads them.
types="" uris="" stanza_suites="" components="" enabled=yes

stanza_end() {
    [ "${enabled,,}" = no ] || [ -z "$uris" ] || consider "$types" "${uris%% *}" "$stanza_suites" "$components"
    types="" uris="" stanza_suites="" components="" enabled=yes
}

# Stanzas of "Field: value" lines (a value goes on on lines that start with a blank) apart by blank lines.
deb822() {
    local line field="" words
    while IFS= read -r line || [ -n "$line" ]; do
        [[ $line == '#'* ]] && continue
        if [ -z "${line//[[:space:]]/}" ]; then
            stanza_end
            field=""
            continue
        fi
        if [[ $line != [[:space:]]* ]]; then
            field=${line%%:*}
            field=${field,,}
            line=${line#*:}
        fi
        read -r -a words <<<"$line"
        case "$field" in
            types) types="$types ${words[*]}" ;;
            uris) uris="${uris:+$uris }${words[*]}" ;;
            suites) stanza_suites="$stanza_suites ${words[*]}" ;;
            components) components="$components ${words[*]}" ;;
            enabled) enabled="${words[*]}" ;;
        esac
    done <"$1"
    stanza_end
}

# apt's order: sources.list, then the directory's files by name.
for f in "$apt/sources.list" "$apt"/sources.list.d/*; do
    [ -f "$f" ] || continue
    case "$f" in
        *.sources) deb822 "$f" ;;
        *.list) one_line "$f" ;;
    esac
    if [ -n "$found" ]; then
        echo "$found"
        exit 0
    fi
done
echo "$me: no Debian mirror for ${codename:-this release} in $apt/sources.list or $apt/sources.list.d/ (a deb source with suite ${codename:-sid} and component main); $fix" >&2
exit 3
