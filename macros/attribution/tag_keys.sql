-- noqa: disable=LT02
{#-
    Tag keys are matched after normalising: lower case, every known source prefix removed,
    also when stacked (FOCUS user:, CUR 2.0 resource_tags user_, legacy CUR
    resource_tags_user_, Data Exports resourceTags/, accountTag/, userAttribute/), the
    separators : - _ / . and space made one, and a leading `ml` namespace dropped. So ml:team,
    ML-Team, user:ml:team, resourceTags/user:ml:team, user_ml_team and Team all read `team`.
    AWS-generated keys (aws:createdBy, CUR 2.0 aws_...) keep their prefix and never match an
    attribution key. Cost Categories (costCategory/<name>) are not tags: their key keeps the
    prefix, and int_charge_tags_normalized sets them apart.
    Sources: AWS CUR 2.0 table dictionary (resource_tags keys user_<key>, lower case, other
    characters as _), shared facts section 1 (prefixes on collisions).
-#}
{% macro normalize_tag_key(expr) -%}
    {%- set stripped = regexp_replace_all('lower(trim(' ~ expr ~ '))', tag_key_prefix_pattern(), '') -%}
    {%- set joined = regexp_replace_all(stripped, '[-:_/. ]+', '_') -%}
    {{ regexp_replace_all(joined, '^ml_', '') }}
{%- endmacro %}

{% macro tag_key_prefix_pattern() -%}
    {{- return('^(user:|user_|resourcetags/|resource_tags_user_|resource_tags_|accounttag/|userattribute/)+') -}}
{%- endmacro %}

{#- The same normalisation at compile time, for the configured keys. -#}
{% macro normalize_tag_key_text(key) -%}
    {%- set text = modules.re.sub(tag_key_prefix_pattern(), '', key | trim | lower) -%}
    {%- set text = modules.re.sub('[-:_/. ]+', '_', text) -%}
    {{- return(modules.re.sub('^ml_', '', text)) -}}
{%- endmacro %}

{#- [{'column': 'team', 'key': 'ml:team', 'normalized': 'team'}, ...] from var('attribution_keys'). -#}
{% macro attribution_keys() -%}
    {%- set keys = [] -%}
    {%- for key in var('attribution_keys') -%}
        {%- set normalized = normalize_tag_key_text(key) -%}
        {%- do keys.append({'column': normalized, 'key': key, 'normalized': normalized}) -%}
    {%- endfor -%}
    {{ return(keys) }}
{%- endmacro %}

{#-
    The attribution key a normalised tag key feeds (team, model, ...), and whether the raw key is
    the configured spelling: as configured, or as a CUR 2.0 export writes that key in
    resource_tags (cur2_tag_key_text), so a CUR 2.0 account's keys are not all key drift.
-#}
{% macro attribution_key_columns(normalized_key, raw_key) -%}
    {%- set spellings = [] -%}
    {%- for key in attribution_keys() -%}
        {%- do spellings.extend([key.key, cur2_tag_key_text(key.key)]) -%}
    {%- endfor -%}
    case {{ normalized_key }}
        {%- for key in attribution_keys() %}
        when '{{ key.normalized }}' then '{{ key.column }}'
        {%- endfor %}
    end as attribution_key,
    {{ raw_key }} in ({{ sql_in_list(spellings) }}) as is_canonical_key
{%- endmacro %}

{#-
    A tag key as a CUR 2.0 export writes it in resource_tags: user_ and the key with every
    character other than a letter or digit as _ (ml:team -> user_ml_team). The form public CUR 2.0
    queries use (resource_tags['user_costcenter']); not in the table dictionary, so only used to
    tell the export's own spelling from drift, never to match keys (normalize_tag_key does).
-#}
{% macro cur2_tag_key_text(key) -%}
    {{- return('user_' ~ modules.re.sub('[^A-Za-z0-9]', '_', key)) -}}
{%- endmacro %}
