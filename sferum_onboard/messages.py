"""The one place for Russian user-facing messages: templates (numbers and nouns after them: wording.py;
what the system and the database driver say, in Russian: reasons.py).

Problem codes are stable identifiers (shown by `--format json`); the text is
for people. Templates use `str.format` fields.
"""

from __future__ import annotations

# --- reading files -------------------------------------------------------
CATALOG = {
    "file-empty": "файл пуст",
    "file-too-big": "файл слишком большой ({size} МБ); допустимо не больше {limit} МБ",
    "file-binary": "это не текстовый файл (двоичные данные), ожидается YAML в кодировке UTF-8",
    "file-cp1251": "файл сохранён в кодировке Windows-1251, а нужна UTF-8; пересохраните его в UTF-8",
    "file-encoding": "файл не в кодировке UTF-8 (неверный байт в позиции {offset}); пересохраните его в UTF-8",
    "file-unreadable": "не удаётся прочитать файл: {reason}",
    "yaml-syntax": "ошибка синтаксиса YAML: {detail}",
    "yaml-tag": "тег «{tag}» не допускается: в файлах чек-листов разрешены только обычные значения",
    "yaml-duplicate-key": "ключ «{key}» повторяется (первый раз в строке {first_line}); оставьте один",
    "yaml-key-type": "ключ должен быть строкой",
    "yaml-alias-budget": "слишком много ссылок-псевдонимов YAML (больше {limit}); раскройте их вручную",
    "yaml-too-large": "документ разворачивается в слишком много значений (больше {limit})",
    "yaml-many-documents": "в файле несколько YAML-документов (---); оставьте один",
    "no-yaml": "в папке «{folder}» нет ни одного YAML-файла (*.yml)",
    "no-project": "не найдена папка проекта: ни в «{folder}», ни в папках выше нет checklists/ и site_config/; "
                  "перейдите в папку проекта или укажите её: --project ПАПКА (или переменная {env}=ПАПКА)",
    "not-a-project": "«{folder}» — не папка проекта: в ней нет checklists/ и site_config/",
    "unknown-file-kind": "непонятно, что это за файл: ожидаются чек-листы в «checklists/», а в «site_config/» — roadmap.yml и school.yml",
    # --- schema ----------------------------------------------------------
    "schema-required": "не хватает обязательного поля «{field}»",
    "schema-unknown-field": "неизвестное поле «{field}»{hint}",
    "schema-type": "{where} должно быть {expected}, а сейчас {actual}",
    "schema-enum": "{where}: значение «{value}» не подходит; допустимо: {allowed}",
    "schema-pattern": "{where}: «{value}» — {rule}",
    "schema-min-items": "{where}: нужен хотя бы один элемент",
    "schema-unique": "{where}: значения повторяются",
    "schema-min-length": "{where}: пустая строка",
    "schema-max-length": "{where}: слишком длинно, допустимо не больше {limit} символов",
    "schema-minimum": "{where}: число {value} меньше допустимого {limit}",
    "schema-maximum": "{where}: число {value} больше допустимого {limit}",
    "schema-format-date": "{where}: «{value}» не дата; пишите ГГГГ-ММ-ДД, например 2027-05-31",
    "schema-step-item": "{where}: элемент списка шагов — либо идентификатор общего шага, либо описание шага",
    "schema-other": "{where}: значение не подходит ({rule})",
    # --- cross checks ----------------------------------------------------
    "duplicate-id": "идентификатор «{id}» уже занят ({other})",
    "depends-missing": "шаг «{step}» зависит от несуществующего шага «{target}»{hint}",
    "depends-cycle": "шаги зависят друг от друга по кругу: {cycle}",
    "step-ref-missing": "чек-лист «{checklist}» ссылается на несуществующий шаг «{step}»{hint}",
    "step-ref-twice": "шаг «{step}» встречается в чек-листе «{checklist}» дважды",
    "guide-page-missing": "{owner}: страница инструкции «{page}» не найдена в content/",
    "guide-heading-missing": "{owner}: на странице «{page}» нет заголовка с якорем «#{anchor}»{hint}",
    "role-unknown": "неизвестная роль «{role}»; есть: {known}",
    "role-missing": "не описана роль «{role}»: она нужна для учёта участников",
    "role-inherits-cycle": "роли наследуют друг друга по кругу: {cycle}",
    "target-step-missing": "цель дорожной карты «{target}» ссылается на несуществующий шаг «{step}»{hint}",
    "step-unused": "шаг «{step}» не входит ни в один чек-лист",
    "renamed-in-use": "шаг «{step}» указан как бывший идентификатор шага «{new}», но такой шаг всё ещё есть",
    "renamed-twice": "старый идентификатор «{step}» указан в renamed_from у двух шагов: «{first}» и «{second}»",
    "variable-unknown": "неизвестная переменная «{{{{ {name} }}}}»; есть: {known}",
    "link-missing": "ссылка «{target}» ведёт на страницу, которой нет в content/",
    "link-anchor-missing": "ссылка «{target}»: на странице «{page}» нет заголовка с якорем «#{anchor}»{hint}",
    "start-page-no-marker": "стартовая страница роли «{role}»: нет строки «<!-- short-path -->»; на её место сайт "
                            "вставляет короткий путь — шаги чек-листа по порядку (поставьте её после первой фразы)",
    "start-page-marker-elsewhere": "строка «<!-- short-path -->» бывает только на стартовой странице роли "
                                   "(guide роли в checklists/roles.yml)",
    "start-page-marker-twice": "строка «<!-- short-path -->» повторяется; оставьте одну",
    "start-page-shared": "роли «{first}» и «{second}» начинаются с одной страницы «{page}»: у каждой роли своя "
                         "стартовая страница",
    "link-role-hub": "ссылка «{target}»: страниц roles/… на сайте больше нет; роль начинается со своей страницы "
                     "«{page}»",
    "link-coordinator": "ссылка «{target}» ведёт на страницу для координаторов: на опубликованном сайте её нет",
    "name-case": "после «{governor}» нужен {case} падеж: {use}",
    "name-quotes": "после «{governor}» название пишется в кавычках: {use}",
    # --- validate --stale: steps to re-check (a report, not errors) -----------
    "stale-step": "шаг «{id}»",
    "stale-school-step": "шаг школы «{id}»",
    "stale-unverified": "факты не подтверждены",
    "stale-never": "дата проверки не указана (review.checked)",
    "stale-old": "проверен {date}, {age} назад",
    "stale-note": "; что проверить: {note}",
    "stale-summary": "Проверить заново: {due} из {total} (не подтверждены, без даты проверки или проверены "
                     "больше {days} назад). Это список для координатора, а не ошибки: код выхода 0.",
    "dependency-later": "шаг «{step}» в чек-листе «{checklist}» стоит раньше шага «{target}», от которого зависит",
}

SCHEMA_TYPES = {
    "string": "строкой",
    "integer": "целым числом",
    "number": "числом",
    "boolean": "значением true или false",
    "array": "списком",
    "object": "словарём (поля вида «ключ: значение»)",
    "null": "пустым",
}

PYTHON_TYPES = {
    str: "строка",
    int: "целое число",
    float: "дробное число",
    bool: "логическое значение",
    list: "список",
    dict: "словарь",
    type(None): "пусто",
}

PATTERN_RULES = {
    "^[a-z][a-z0-9]*(-[a-z0-9]+)*$": "идентификатор пишется латинскими строчными буквами, цифрами и дефисами, например «install-max»",
    "^[^#\\s]+\\.md(#[^\\s#]+)?$": "ссылка на инструкцию пишется как «папка/страница.md#якорь-заголовка»",
}

YAML_PROBLEMS = {
    "found character '\\t' that cannot start any token": "символ табуляции; используйте пробелы для отступов",
    "found a tab character that violates indentation": "символ табуляции в отступе; используйте пробелы",
    "found a tab character where an indentation space is expected": "символ табуляции в отступе; используйте пробелы",
    "mapping values are not allowed in this context": "двоеточие здесь не допускается (возможно, значение с «:» нужно взять в кавычки)",
    "mapping values are not allowed here": "двоеточие здесь не допускается (возможно, значение с «:» нужно взять в кавычки)",
    "could not find expected ':'": "не найдено двоеточие после ключа",
    "did not find expected key": "ожидался ключ (проверьте отступы)",
    "did not find expected '-' indicator": "ожидался элемент списка «-» (проверьте отступы)",
    "found undefined alias": "ссылка на неопределённый якорь",
    "found unexpected end of stream": "файл обрывается (незакрытые кавычки или скобки)",
    "found unknown escape character": "неизвестная escape-последовательность в строке в кавычках",
    "found character that cannot start any token": "символ, с которого не может начинаться значение (возьмите значение в кавычки)",
    "expected <block end>, but found '<block mapping start>'": "неверный отступ",
    "expected <block end>, but found '-'": "неверный отступ у элемента списка",
    "expected <document start>, but found '<block mapping start>'": "неверная структура документа",
    "found duplicate anchor": "якорь определён дважды",
    "did not find expected node content": "ожидалось значение",
    "did not find expected ',' or ']'": "не закрыта квадратная скобка «]»",
    "did not find expected ',' or '}'": "не закрыта фигурная скобка «}»",
    "found unexpected ':'": "лишнее двоеточие",
    "control characters are not allowed": "недопустимый управляющий символ",
    "special characters are not allowed": "недопустимый специальный символ",
}
YAML_PROBLEM_FALLBACK = "неверная структура YAML"


# --- roster files (tracking/roster.py) -------------------------------------
ROSTER = {
    # whole-file faults (DataError); {file} is the file's name
    "file-missing": "{file}: файл не найден",
    "file-dir": "{file}: это папка, а нужен файл XLSX, ODS или CSV",
    "file-empty": "{file}: файл пуст",
    "file-unreadable": "{file}: не удаётся прочитать файл ({reason})",
    "xlsx-encrypted": "{file}: книга защищена паролем; откройте её в Excel, снимите пароль (Файл → Сведения → Защита книги) и сохраните заново — или сохраните лист как CSV",
    "xls-legacy": "{file}: это книга старого формата Excel 97–2003 (XLS); сохраните её как «Книга Excel (*.xlsx)» или как CSV",
    "ods-encrypted": "{file}: таблица защищена паролем; откройте её в LibreOffice и сохраните без пароля (Файл → Сохранить как, снимите флажок «Сохранить с паролем») — или сохраните лист как CSV",
    "xlsx-broken": "{file}: книга Excel повреждена или обрезана, прочитать её нельзя; сохраните файл заново или выгрузите список ещё раз",
    "ods-broken": "{file}: таблица OpenDocument (ODS) повреждена или обрезана, прочитать её нельзя; сохраните файл заново или выгрузите список ещё раз",
    "sheet-too-large": "{file}: на листе заняты ячейки далеко за списком — последняя занятая ячейка {cell}; такой лист не прочитать. Удалите лишние строки и столбцы за списком (Ctrl+End покажет эту ячейку) и сохраните файл заново — или сохраните лист как CSV",
    "file-too-large": "{file}: файл слишком большой ({size}); список школы или района занимает несколько мегабайт, допустимо не больше {limit} — проверьте, тот ли это файл",
    "unpacked-too-large": "{file}: книга распаковывается в {size} — больше, чем занял бы любой список (допустимо {limit}); проверьте, тот ли это файл, или сохраните лист как CSV",
    "rows-too-many": "{file}: в файле больше {limit} строк — больше, чем в любом списке школы или района; проверьте, тот ли это файл, или разделите список на части",
    "line-too-long": "{file}:{row}: строка длиннее {limit} символов — в списке людей таких не бывает; проверьте, тот ли это файл",
    "binary": "{file}: это не таблица — ожидается книга Excel (XLSX), таблица OpenDocument (ODS) или текстовый файл CSV",
    "no-header": "{file}: не найдена строка заголовка — в первых {rows} строках нет столбца «ФИО» (или столбцов «Фамилия» и «Имя»); добавьте строку с названиями столбцов над списком",
    "wrong-delimiter": "{file}:{row}: столбцы не разделены ни «;», ни «,», ни табуляцией (строка заголовка прочитана как одна ячейка: «{sample}»); сохраните файл как CSV с разделителем «;»",
    "no-rows": "{file}: под строкой заголовка (строка {row}) нет ни одной строки со списком",
    "no-children-column": "{file}: в списке родителей нет столбца с ребёнком («Ребёнок», «ФИО ребёнка» или «Обучающийся»); без него родителя не связать с учеником",
    "no-parent-column": "{file}: в списке родителей нет столбца с ФИО родителя («ФИО», «ФИО родителя», «ФИО матери» или «ФИО отца»)",
    "header-ambiguous": "{file}:{row}:{column}: в заголовке два столбца об одном и том же — «{first}» (столбец {first_column}) и «{second}» (столбец {second_column}); непонятно, какой из них читать. Удалите или переименуйте лишний столбец",
    "kind-unknown": "вид списка «{kind}» неизвестен; допустимо: pupils (ученики), parents (родители), staff (сотрудники)",
    # row problems (Problem.message); the location carries file, row and column
    "name-missing": "не указаны фамилия и имя",
    "name-short": "«{name}»: нужны хотя бы фамилия и имя",
    "name-digits": "«{name}»: в ФИО есть цифры — проверьте, не попал ли сюда класс, номер или телефон",
    "name-too-long": "ФИО длиннее {limit} символов ({length}): «{name}» — проверьте, не попал ли сюда текст из других ячеек",
    "name-markup": "«{name}»: в ФИО есть знак «<» или «>» — так пишут разметку, а не имена",
    "name-formula": "«{name}»: ФИО не может начинаться с «{sign}» — так начинаются формулы в таблицах",
    "cell-control": "в ячейке невидимый управляющий символ ({char}) — он попадает из других программ; перепечатайте значение",
    "text-too-long": "значение длиннее {limit} символов: «{value}»",
    "class-missing": "не указан класс ученика «{name}»",
    "class-invalid": "«{value}» — не название класса (ожидается, например, «7А» или «11Б»)",
    "child-missing": "не указан ребёнок родителя «{name}»",
    "child-name-short": "ребёнок «{name}»: нужны хотя бы фамилия и имя",
    "child-classes-count": "детей {children}, а классов {classes}: укажите класс для каждого ребёнка в том же порядке",
    "parent-missing": "не указано ФИО родителя ребёнка «{child}»",
    "duplicate": "«{name}» ({where}) уже есть в строке {first}",
}
ROSTER_KINDS = {"pupils": "ученики", "parents": "родители", "staff": "сотрудники"}
ROSTER_ENCODINGS = {"utf-8": "UTF-8", "utf-8-sig": "UTF-8 с меткой BOM", "cp1251": "Windows-1251", "utf-16": "UTF-16"}


# --- reports, kits and reminders (outputs/) ----------------------------------
REPORTS = {
    "status-met": "выполнено",
    "status-on_track": "идёт по плану",
    "status-at_risk": "под угрозой",
    "status-no_data": "нет данных",
    "status-overdue": "срок прошёл",
    "milestone-installed": "Установили MAX",
    "milestone-logged_in": "Вошли в MAX",
    "milestone-joined": "Присоединились",
    "milestone-first_chat": "Написали в чат",
    "milestone-first_call": "Были на звонке",
    "chart-target": "цель {value}",
    "chart-due": "срок {date}",
    "chart-burnup": "«{title}»: {value} на {date}, цель {target} к {due}",
    "chart-funnel": "{group}: сколько человек дошли до каждого этапа",
    "private-banner": "Конфиденциально: здесь персональные данные (ФИО учеников, родителей и сотрудников). "
                      "Не публикуйте на сайте и не пересылайте в общие чаты; храните на компьютере школы.",
    "output-in-site": "папку «{path}» нельзя использовать: она внутри папки сайта «{site}», а сайт публикуется "
                      "целиком; отчёты с персональными данными сохраните в другую папку, например out/",
    "no-schools": "в хранилище нет ни одной школы; сначала загрузите списки: sferum-onboard roster import ФАЙЛ",
    "link-invalid": "«{link}» — не ссылка-приглашение: нужен адрес, который начинается с https://",
    "no-roadmap": "дорожная карта не задана (site_config/roadmap.yml): в отчёте не будет целей",
    "no-parent-checklist": "в каталоге нет основного чек-листа родителя",
    "written": "Записано: {path}",
    "target-line": "«{title}»: {value} (цель {target} к {due}) — {status}",
    "kit-summary": "Памятки для {class_name}: {parents}; {link}.",
    "kit-link-yes": "с QR-кодом приглашения в чат класса",
    "kit-link-no": "без QR-кода приглашения (сохраните ссылку: sferum-onboard class set-link {class_name} ССЫЛКА)",
    "kit-no-pdf": "PDF не записан: для него установите WeasyPrint (pip install 'sferum-onboard[pdf]'); "
                  "HTML печатается из браузера на A4.",
    "link-usage": "укажите ссылку или --clear (но не то и другое)",
    "link-saved": "Ссылка-приглашение класса {class_name} сохранена в базе учёта (на сайт она не попадает); "
                  "её QR-код будет на памятках: sferum-onboard kit --class {class_name}",
    "link-cleared": "Ссылка-приглашение класса {class_name} удалена из базы учёта.",
    "site-url-local": "адрес сайта {url} открывается только на этом компьютере или в локальной сети: "
                      "QR-коды и ссылки с ним на телефонах родителей и учеников никуда не приведут",
    "site-url-fix": "укажите в site_url адрес, по которому сайт опубликован (например, https://school.example.ru/sferum/), "
                    "или добавьте --allow-local-url для пробной печати",
    "remind-title": "Напоминания: {people}. Каждое сообщение — для одного человека; куда его отправить, "
                    "сказано в строке «Куда».",
    # where a reminder goes: in MAX only for those already there, otherwise a way the school already has
    "channel-max": "личный чат в {messenger}",
    "channel-sms": "SMS на телефон",
    "channel-journal": "сообщение в электронном журнале",
    "channel-slip": "записка: отдать ученику в руки",
    "channel-to-parent": "{channel} — родителю: {name}",
    "channel-to-family": "{channel} — для родителей",
    "reader-family": "родители ученика",
    "remind-none": "Напоминать некому: все сделали обязательные шаги.",
    # a class in the report: its chats' member lists (members import)
    "class-cell-verified": ", проверено по чату {n}",
    "class-verified": "Вступление проверено по спискам чатов: {n}.",
    "class-outsiders": "Посторонних в чатах класса: {n} — не разобраны (sferum-onboard members resolve).",
    "class-no-outsiders": "Посторонних в чатах не найдено.",
    "class-not-checked": "Списки участников чатов класса не сверялись (sferum-onboard members import).",
}


# --- tracking: the store, marking, status, progress -------------------------
TRACKING = {
    "inactive-mark": " — выбыл(а)",
    "store-corrupt": "база «{target}» повреждена или это вовсе не база учёта; восстановите её из резервной копии (её делает sferum-onboard db backup) или укажите другой файл (--db)",
    "store-unreachable": "не удаётся подключиться к базе «{target}»: {reason}",
    "store-busy": "база «{target}» занята другой программой дольше 30 секунд; повторите позже",
    "store-failed": "не удалось записать в базу: {reason}",
    "store-rejected": "база отказалась принять данные ({kind}); ничего не записано — сообщите разработчикам",
    "store-newer": "база «{target}» создана более новой версией sferum-onboard (схема {revision}); обновите программу",
    "store-bad-url": "«{target}» — не адрес базы; укажите путь к файлу SQLite или адрес вида postgresql+psycopg://пользователь@сервер/база",
    "store-memory": "база в памяти не сохраняется; укажите путь к файлу",
    "store-is-dir": "«{path}» — папка, а нужен файл базы (например, {path}/sferum-onboard.sqlite)",
    "store-create-failed": "не удаётся создать файл базы «{path}»: {reason}",
    "store-no-school": "в базе ещё нет школы, а в настройках сайта нет её названия: укажите его — --school «МБОУ СОШ № 2»",
    "store-empty": "в базе ещё нет школы: загрузите списки (sferum-onboard roster import) или демо-школу (sferum-onboard demo)",
    "backup-postgres": "резервную копию базы PostgreSQL делает pg_dump, например: pg_dump --format=custom --file=backup.dump \"{url}\"",
    "backup-same-file": "копию нельзя записать поверх самой базы; укажите другой файл",
    "school-unknown": "школа «{name}» не найдена; в базе есть: {known}",
    "school-id-unknown": "школа № {id} не найдена в базе",
    "school-choose": "в базе {n} школ(ы); укажите нужную: --school НАЗВАНИЕ",
    "school-name-empty": "название школы не может быть пустым",
    "class-unknown": "класс «{name}» не найден; есть классы: {known}",
    "person-id-unknown": "участник с номером {id} не найден",
    "person-unknown": "участник «{query}» не найден",
    "person-ambiguous": "«{query}» подходит нескольким участникам ({n}); уточните ФИО или укажите номер (#12):",
    "maybe": "может быть, {who}?",
    "action-invalid": "неизвестное действие «{action}»; есть: {known}",
    "source-invalid": "неизвестный источник «{source}»; есть: {known}",
    "step-empty": "не указан шаг",
    "event-person-unknown": "участник #{id} не найден в этой школе",
    # --- marking a step (tracking/marking.py) ----------------------------------
    "at-invalid": "«{value}» — не дата; пишите 2026-09-10, 10.09.2026 или «2026-09-10 18:30»",
    "at-future": "дата «{value}» ещё не наступила",
    "step-unknown": "неизвестный шаг «{step}»",
    "maybe-steps": "; может быть: {steps}",
    "step-is-school-level": "«{step}» — шаг школы, он отмечается без участника: sferum-onboard mark {step}",
    "step-is-person-level": "«{step}» — шаг участника; укажите, кто его выполнил: sferum-onboard mark \"Фамилия Имя\" {step}",
    "step-not-for-person": "шага «{step}» нет в чек-листе: {who}",
    "import-held": "в списке есть переводы в другой класс или новые связи родителей ({n}), а они записываются только с --apply-moves; ничего не записано",
    "import-has-problems": "в списке есть строки с ошибками ({n}); ничего не записано. Исправьте их или добавьте --skip-invalid, чтобы загрузить остальные",
    # --- roster import plan (row problems) ----------------------------------
    "roster-duplicate": "«{name}» уже есть в строке {first}; повтор пропущен",
    "roster-ambiguous-move": "в базе несколько учеников «{name}» в других классах ({classes}); непонятно, кто из них переведён — укажите класс правильно или разберитесь вручную",
    "roster-child-missing": "ребёнок «{name}»{where} не найден среди учеников; сначала загрузите список учеников",
    "roster-child-ambiguous": "учеников «{name}» несколько ({classes}); укажите класс ребёнка",
    "roster-two-leaders": "у класса {class_name} уже есть классный руководитель в этом списке: {other}",
}

# --- the guide site --------------------------------------------------------
SITE = {
    "site-url-local": "Внимание: {where}: адрес сайта {url} открывается только на этом компьютере или в локальной "
                      "сети. Перед публикацией укажите в site_url настоящий адрес: по нему строятся QR-коды на "
                      "печатных чек-листах, памятки к собранию (kit) и напоминания (remind).",
    "built": "Готово: {pages} в папке {site}. Посмотреть: sferum-onboard serve; опубликовать: скопируйте папку целиком на веб-сервер школы.",
    "reserved-path": "страница «{path}» занимает адрес, который сайт создаёт сам "
                     "(checklists/, steps.md, roadmap.md, assets/sferum/); переименуйте её",
    "logo-missing": "логотип «{logo}» не найден в site_config/",
    "not-publishable": "файл «{name}» не публикуется на сайте: в content/ допустимы страницы (.md), "
                       "картинки, PDF и видео; списки людей (таблицы, CSV, базы) храните вне сайта",
    "database": "файл «{name}» — база данных; её нельзя класть в content/: сайт публичный",
    "site-in-store": "папка сайта «{site}» находится в папке «{store}», где лежит хранилище с данными "
                     "людей; выберите другую папку (-d)",
    "store-in-site": "в папке сайта «{site}» лежит хранилище с данными людей «{store}»; "
                     "выберите для сайта пустую папку (-d)",
    "site-is-project": "папка сайта «{site}» содержит проект (checklists/, content/): сборка очистила бы её; "
                       "выберите отдельную папку (-d)",
    "no-config": "не найден файл настроек сайта «{file}»",
    "bad-config": "ошибка в настройках сайта {file}: {error}",
    "mkdocs-warnings": "MkDocs не собрал сайт: в строгом режиме недопустимы предупреждения (ниже)",
    "mkdocs-failed": "MkDocs не собрал сайт: {error}",
    "zensical-failed": "Zensical не собрал сайт: {detail}",
    "no-details": "нет подробностей",
    "no-zensical": "не установлен пакет zensical (второй движок сайта ставится с тестами: pip install -e '.[test]')",
    "unknown-engine": "неизвестный движок сайта «{engine}»: есть mkdocs и zensical",
    "no-pagefind": "не установлен пакет pagefind-bin: поиск по сайту не будет работать",
    "pagefind-failed": "не удалось построить поисковый индекс: {detail}",
    "bad-synonyms": "{page}: synonyms в начале страницы — это список слов, например synonyms: [глоссарий, термины]",
}


# --- class sheet (outputs/sheet.py) ----------------------------------------
SHEET = {
    "audience-pupils": "Ученики",
    "audience-parents": "Родители",
    "sheet-title": "{class_name} — {audience}. {school}. Чек-лист: {checklists}",
    "done-when": "Сделано, когда",
    "prompt-title": "Отметка",
    "prompt": "«+» — сделано сегодня; дата (12.09.2026) — сделано в тот день; «н/п» — не нужно; пусто — не сделано",
    "instructions": (
        "Как заполнять лист класса {class_name}\n"
        "{school}. Лист выгружен {exported}.\n"
        "\n"
        "На листах {sheets} — строка на человека и столбец на шаг чек-листа, в том порядке, в каком шаги делают.\n"
        "«{tick}» — шаг сделан (при загрузке запишется дата загрузки).\n"
        "Дата, например 12.09.2026, — шаг сделан в этот день.\n"
        "«{na}» — шаг этому человеку не нужен.\n"
        "Пустая ячейка — шаг не сделан. Если стереть отметку, при загрузке шаг станет «не сделан».\n"
        "Заголовки, коды и ФИО менять нельзя: по ним лист сверяется с базой. Наведите на заголовок шага, чтобы прочитать, что сделать.\n"
        "Когда закончите, отдайте файл администратору: sferum-onboard sheet import ФАЙЛ.\n"
        "Если тот же шаг тем временем отметили в другом месте иначе, программа ничего не угадывает: она покажет такие ячейки, и их нужно решить вручную.\n"
        "В файле имена детей: не пересылайте его в общие чаты и не публикуйте."
    ),
    "instructions-steps": "Шаги: {audience}",
    # reading a returned sheet; {file} is the file's name
    "xlsx-encrypted": "{file}: книга защищена паролем; снимите пароль в Excel и сохраните файл заново",
    "xlsx-broken": "{file}: книга Excel повреждена или обрезана, прочитать её нельзя; выгрузите лист заново (sferum-onboard sheet export)",
    "ods-broken": "{file}: таблица OpenDocument (ODS) повреждена или обрезана, прочитать её нельзя; выгрузите лист заново (sferum-onboard sheet export)",
    "ods-encrypted": "{file}: таблица защищена паролем; откройте её в LibreOffice и сохраните без пароля (Файл → Сохранить как, снимите флажок «Сохранить с паролем»)",
    "not-sheet": "{file}: это не лист класса, выгруженный командой sferum-onboard sheet export (нет служебных данных выгрузки)",
    "format-newer": "{file}: лист выгружен более новой версией sferum-onboard; обновите программу",
    "meta-broken": "{file}: служебные данные листа испорчены; выгрузите лист заново",
    "sheet-missing": "{file}: в книге нет листа «{sheet}»; выгрузите лист заново",
    "columns-changed": "{file}: столбцы шагов переставлены или удалены; выгрузите лист заново и перенесите отметки",
    "other-school": "{file}: лист выгружен для школы «{sheet_school}», а загружается в «{school}»",
    "other-class": "{file}: это лист класса {sheet_class}, а не {class_name}",
    "outdated": "{file}: лист выгружен для версии {version} чек-листа «{checklist}», а сейчас версия {current}; выгрузите лист заново (sferum-onboard sheet export) и перенесите отметки",
    "outdated-set": "{file}: с момента выгрузки изменился набор чек-листов ({audience}); выгрузите лист заново",
    "checklist-gone": "— чек-лист убран",
    "row-unknown": "строка «{name}» без кода человека: строки в лист добавлять нельзя — добавьте человека командой roster import и выгрузите лист заново",
    "cell-unknown": "«{value}» — непонятная отметка; пишите «{tick}», дату (12.09.2026), «{na}» или оставьте пустым",
    "date-future": "дата {date} ещё не наступила",
    "person-unknown": "человека с кодом {id} («{name}») нет в базе этой школы",
    "names-mismatch": "в листе ФИО не совпадают с кодами ({n}); ничего не записано",
    "conflict-done": "{name}: в листе шаг «{step}» отмечен, а после выгрузки его по-другому записали в другом месте ({when}{by}: {state}); исправьте ячейку или отметку в базе",
    "conflict-empty": "{name}: в листе отметка шага «{step}» стёрта, а после выгрузки его записали в другом месте ({when}{by}: {state}); исправьте ячейку или отметку в базе",
    "conflict-na": "{name}: в листе шаг «{step}» помечен «н/п», а после выгрузки его по-другому записали в другом месте ({when}{by}: {state}); исправьте ячейку или отметку в базе",
    "state-done": "сделано",
    "state-na": "не нужно",
    "state-empty": "не сделано",
    "note-date": "по листу класса: {date}",
    "summary": "{changes}, без изменений {unchanged}",
}

# --- a chat's member list (members import / confirm / resolve) --------------
MEMBERS = {
    # reading a member list; {file} is its name, {text} the line as copied
    "not-a-list": "{file}: это не список участников — ожидается скопированный текст, CSV, XLSX или ODS",
    "no-members": "{file}: в файле нет ни одного участника: скопируйте список участников чата "
                  "(каждый участник — с новой строки) или сохраните таблицу со столбцом «ФИО» или «Имя»",
    "line-url": "«{text}» — ссылка, а не имя участника",
    "line-too-long": "«{text}» — слишком длинно для имени: похоже, скопированы сообщения, а не список участников",
    "line-markup": "«{text}» — это разметка или формула, а не имя участника",
    "line-no-name": "в строке нет имени участника (столбец «ФИО» или «Имя» пуст)",
    # the store
    "check-unknown": "сверки № {id} нет в базе: лист записан для другой базы или сверка удалена",
    "class-unknown": "класса {class_name} нет в базе",
    "outsider-unknown": "постороннего № {id} нет среди неразобранных (список: sferum-onboard members resolve)",
    # a returned confirm sheet; {file} is its name
    "sheet-not-ours": "{file}: это не лист сверки, записанный командой sferum-onboard members import -o "
                      "(нет служебных данных)",
    "sheet-newer": "{file}: лист сверки записан более новой версией sferum-onboard; обновите программу",
    "sheet-broken": "{file}: служебные данные листа сверки испорчены; запишите лист заново (members import -o)",
    "sheet-unreadable": "{file}: книга повреждена или обрезана, прочитать её нельзя; запишите лист заново "
                        "(members import -o)",
    "sheet-other-school": "{file}: лист сверки записан для школы «{sheet_school}», а загружается в «{school}»",
    "sheet-other-store": "{file}: лист сверки записан из другой базы учёта (школа «{school}» в ней под другим "
                         "номером); загрузите его в ту базу (--db) или запишите лист заново (members import -o)",
    "decision-unknown": "«{value}» — непонятное решение; напишите код человека (например 12) или «нет», "
                        "если это не человек школы, или оставьте пустым",
    "confirm-other-school": "лист сверки записан для другой школы",
    "confirm-refused": "в листе сверки {n} — ничего не записано; исправьте и загрузите лист снова",
    "confirm-line-unknown": "строки {line} нет в этой сверке: строки в лист добавлять нельзя",
    "confirm-already-recorded": "строка {line} уже записана по списку; исправить её можно отметкой: "
                                "sferum-onboard unmark",
    "confirm-code-unknown": "человека с кодом {code} нет в базе этой школы",
    "confirm-person-twice": "#{code} {name} уже найден(а) в строке {line}: один человек — одна строка списка",
}
