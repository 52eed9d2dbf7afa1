#!/usr/bin/env bash
# Merge Georgian translations written in parallel (src/onewindow/locale/fragments/*.po)
# into ka/LC_MESSAGES/django.po after `makemessages`, then remove the merged fragments.
# Existing translations win over fragments; fuzzy guesses of makemessages are dropped.
set -euo pipefail
cd "$(dirname "$0")/../src/onewindow/locale"
shopt -s nullglob
fragments=(fragments/*.po)
[ ${#fragments[@]} -eq 0 ] && { echo "no fragments"; exit 0; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
po=ka/LC_MESSAGES/django.po
msgattrib --clear-fuzzy --empty "$po" -o "$work/base.po"
msgattrib --translated --no-obsolete "$work/base.po" -o "$work/translated.po"
msgcat --use-first "$work/translated.po" "${fragments[@]}" -o "$work/all.po"
msgmerge --quiet --no-fuzzy-matching "$work/all.po" "$work/base.po" -o "$work/merged.po"
msgattrib --no-obsolete --clear-fuzzy --empty "$work/merged.po" -o "$po"
echo "untranslated left: $(msgattrib --untranslated "$po" | grep -c '^msgid' || true) (the header counts as one)"
