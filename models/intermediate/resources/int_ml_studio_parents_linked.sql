-- The parents of SageMaker Studio resources: an app's user profile or space, the domain of
-- apps, profiles and spaces, and the profile, space or domain Studio tags name on a resource.
with

apps as (

    select * from {{ ref('stg_sagemaker__apps') }}

),

user_profiles as (

    select * from {{ ref('stg_sagemaker__user_profiles') }}

),

spaces as (

    select * from {{ ref('stg_sagemaker__spaces') }}

),

domains as (

    select * from {{ ref('stg_sagemaker__domains') }}

),

tags as (

    select * from {{ ref('stg_sagemaker__tags') }}

),

app_to_owner as (

    select
        lower(apps.app_arn) as resource_key,
        lower(coalesce(user_profiles.user_profile_arn, spaces.space_arn)) as ancestor_key,
        case when user_profiles.user_profile_arn is not null then 'user_profile' else 'space' end as relation_type,
        1 as inheritance_depth
    from apps
    left join user_profiles
        on
            apps.domain_id = user_profiles.domain_id
            and apps.user_profile_name = user_profiles.user_profile_name
            and apps.account_id = user_profiles.account_id
    left join spaces
        on
            apps.domain_id = spaces.domain_id
            and apps.space_name = spaces.space_name
            and apps.account_id = spaces.account_id
    where coalesce(user_profiles.user_profile_arn, spaces.space_arn) is not null

),

studio_to_domain as (

    select
        lower(apps.app_arn) as resource_key,
        lower(domains.domain_arn) as ancestor_key,
        'domain' as relation_type,
        2 as inheritance_depth
    from apps
    inner join domains on apps.domain_id = domains.domain_id and apps.account_id = domains.account_id
    union all
    select
        lower(user_profiles.user_profile_arn) as resource_key,
        lower(domains.domain_arn) as ancestor_key,
        'domain' as relation_type,
        1 as inheritance_depth
    from user_profiles
    inner join domains on user_profiles.domain_id = domains.domain_id and user_profiles.account_id = domains.account_id
    union all
    select
        lower(spaces.space_arn) as resource_key,
        lower(domains.domain_arn) as ancestor_key,
        'domain' as relation_type,
        1 as inheritance_depth
    from spaces
    inner join domains on spaces.domain_id = domains.domain_id and spaces.account_id = domains.account_id

),

studio_tags as (

    select
        lower(resource_arn) as resource_key,
        lower(tag_value) as ancestor_key,
        case tag_key
            when 'sagemaker:user-profile-arn' then 'user_profile'
            when 'sagemaker:space-arn' then 'space'
            else 'domain'
        end as relation_type,
        case tag_key when 'sagemaker:domain-arn' then 4 else 3 end as inheritance_depth
    from tags
    where tag_key in ('sagemaker:user-profile-arn', 'sagemaker:space-arn', 'sagemaker:domain-arn')

),

unioned as (

    select * from app_to_owner
    union all
    select * from studio_to_domain
    union all
    select * from studio_tags

),

final as (

    select
        resource_key,
        ancestor_key,
        relation_type,
        min(inheritance_depth) as inheritance_depth
    from unioned
    where resource_key != ancestor_key
    group by resource_key, ancestor_key, relation_type

)

select * from final
