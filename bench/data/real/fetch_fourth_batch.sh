#!/bin/bash
# Fetch the fourth batch of real photos (bench/data/real/README.md) into $CARDSCAN_REAL_PHOTOS (default /work/realphotos):
# from the local mirror /work/.mirror/<owner+name>/repo when there is one, else a bare clone from GitHub in /tmp.
set -euo pipefail
D=${CARDSCAN_REAL_PHOTOS:-/work/realphotos}; while IFS='|' read -r repo commit path out; do m=/work/.mirror/${repo/\//+}/repo; [ -d "$m" ] || { m=/tmp/fetch-${repo/\//+}; [ -d "$m" ] || git clone -q --bare "https://github.com/$repo" "$m"; }; git -C "$m" show "$commit:$path" > "$D/$out"; done <<'LIST'
nordstrom-innovation/innovation-handbook|6d3ef0b|images/kanban.jpg|nordstrom-kanban-1.jpg
sarahikeda/sarahikeda.github.io|5195558|images/postits.jpg|sarahikeda-wall-1.jpg
lowe0292/portfolio|9d34ec9|images/wall-of-accomplishments.jpeg|lowe-accomplishments-1.jpg
lowe0292/portfolio|9d34ec9|images/sticky-notes.jpg|lowe-desk-1.jpg
undramatized/opencv-tracker|954fffb|postit.jpg|undramatized-hand-1.jpg
legaard/master-thesis|c87ce06|images/brainstorming-themes.jpg|legaard-themes-1.jpg
axisgroup/design-process|1dbb812|images/affinity-mapping.jpg|axisgroup-affinity-1.jpg
axisgroup/design-process|1dbb812|images/affinity-diagram-2.jpg|axisgroup-grid-1.jpg
nrw-digital/week-notes|1175345|images/postit notes collaboration.jpg|nrw-window-1.jpg
nrw-digital/week-notes|1175345|images/permissions-post-its.png|nrw-permissions-1.png
nrw-digital/week-notes|1175345|images/IMG_0864.JPEG|nrw-closeup-1.jpg
annemijn/Portfolio|e55e888|images/retrospective.jpg|annemijn-retro-1.jpg
annemijn/Portfolio|e55e888|images/retrospectivesprint2.jpg|annemijn-retro-2.jpg
jefebrydon/portfolio|7b7ec5a|images/affinity-mapping.jpg|jefebrydon-affinity-1.jpg
MozillaHive/hive-contributor-guide|be7ffea|images/post-its.jpg|mozillahive-flipchart-1.jpg
LIST
