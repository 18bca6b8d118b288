{{/*
Helpers shared by every component. Component helpers live beside their templates, named
`who-is-on-screen.<component>.<thing>`.
*/}}

{{/* The chart name, for the `app.kubernetes.io/name` label. */}}
{{- define "who-is-on-screen.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
The prefix of every resource name: the release name, so the defaults match the operator's
(`wos-spark`, `wos-database`, `wos-galleries` for a release named `wos`). Kept to 50
characters so that `<prefix>-<component>` stays within 63.
*/}}
{{- define "who-is-on-screen.fullname" -}}
{{- default .Release.Name .Values.fullnameOverride | trunc 50 | trimSuffix "-" }}
{{- end }}

{{/* `<fullname>-<suffix>`, truncated to 63 characters. Takes (list $ "suffix"). */}}
{{- define "who-is-on-screen.componentName" -}}
{{- $root := index . 0 -}}
{{- $prefix := include "who-is-on-screen.fullname" $root }}
{{- printf "%s-%s" $prefix (index . 1) | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* The `helm.sh/chart` label value. */}}
{{- define "who-is-on-screen.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Selector labels of one component: these never change after install, since Deployments and
StatefulSets refuse a changed selector. Takes (list $ "component").
*/}}
{{- define "who-is-on-screen.selectorLabels" -}}
{{- $root := index . 0 -}}
app.kubernetes.io/name: {{ include "who-is-on-screen.name" $root }}
app.kubernetes.io/instance: {{ $root.Release.Name | trunc 63 | trimSuffix "-" }}
app.kubernetes.io/component: {{ index . 1 }}
{{- end }}

{{/* Every label of one component's objects. Takes (list $ "component"). */}}
{{- define "who-is-on-screen.labels" -}}
{{- $root := index . 0 -}}
{{ include "who-is-on-screen.selectorLabels" . }}
app.kubernetes.io/version: {{ $root.Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ $root.Release.Service }}
app.kubernetes.io/part-of: who-is-on-screen
helm.sh/chart: {{ include "who-is-on-screen.chart" $root }}
{{- with $root.Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end }}

{{/* An image reference; the tag defaults to the chart's appVersion. Takes (list $ .image). */}}
{{- define "who-is-on-screen.image" -}}
{{- $root := index . 0 -}}
{{- $image := index . 1 }}
{{- printf "%s:%s" $image.repository (default $root.Chart.AppVersion $image.tag) }}
{{- end }}

{{/*
The namespaces where films are submitted, as a JSON list: `watch.namespaces`, or the release
namespace. The jobs' ServiceAccount, database Secret and galleries claim go into each.
*/}}
{{- define "who-is-on-screen.jobNamespaces" -}}
{{- if .Values.watch.namespaces }}
{{- toJson (uniq .Values.watch.namespaces) }}
{{- else }}
{{- toJson (list .Release.Namespace) }}
{{- end }}
{{- end }}

{{/*
Every value combination the schema cannot express, checked in one place so that a user sees
all the problems at once. Rendered from NOTES.txt and the operator Deployment.
*/}}
{{- define "who-is-on-screen.validate" -}}
{{- $problems := list }}
{{- $urlSecret := .Values.database.existingSecret }}
{{- if and (not .Values.mysql.enabled) (not $urlSecret) }}
{{- $problems = append $problems (print
  "mysql.enabled is false, so set database.existingSecret to a Secret holding the external "
  "MySQL URL (mysql+pymysql://user:password@host:3306/db) under database.secretKey.") }}
{{- end }}
{{- if and .Values.mysql.enabled .Values.mysql.auth.existingSecret (not $urlSecret) }}
{{- $problems = append $problems (print
  "mysql.auth.existingSecret is set, so also set database.existingSecret to a Secret "
  "holding the URL with that password, since the chart cannot read it.") }}
{{- end }}
{{- $account := .Values.operator.serviceAccount }}
{{- if and (not $account.create) (not $account.name) }}
{{- $problems = append $problems (print
  "operator.serviceAccount.create is false, so set operator.serviceAccount.name to the "
  "ServiceAccount the operator runs as.") }}
{{- end }}
{{- if $problems }}
{{- fail (printf "\n\nwho-is-on-screen: invalid values:\n- %s" (join "\n- " $problems)) }}
{{- end }}
{{- end }}
