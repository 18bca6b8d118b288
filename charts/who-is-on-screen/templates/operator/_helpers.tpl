{{/* Names and labels of the operator component. */}}

{{- define "who-is-on-screen.operator.name" -}}
{{- include "who-is-on-screen.componentName" (list . "operator") }}
{{- end }}

{{- define "who-is-on-screen.operator.labels" -}}
{{- include "who-is-on-screen.labels" (list . "operator") }}
{{- end }}

{{- define "who-is-on-screen.operator.selectorLabels" -}}
{{- include "who-is-on-screen.selectorLabels" (list . "operator") }}
{{- end }}

{{- define "who-is-on-screen.operator.serviceAccountName" -}}
{{- if .Values.operator.serviceAccount.create }}
{{- default (include "who-is-on-screen.operator.name" .) .Values.operator.serviceAccount.name }}
{{- else }}
{{- .Values.operator.serviceAccount.name }}
{{- end }}
{{- end }}

{{- define "who-is-on-screen.operator.image" -}}
{{- include "who-is-on-screen.image" (list . .Values.operator.image) }}
{{- end }}

{{/* The analyzer and scraper images the operator hands to the jobs it creates. */}}
{{- define "who-is-on-screen.analyzer.image" -}}
{{- include "who-is-on-screen.image" (list . .Values.analyzer.image) }}
{{- end }}

{{- define "who-is-on-screen.scraper.image" -}}
{{- include "who-is-on-screen.image" (list . .Values.scraper.image) }}
{{- end }}

{{/*
The rules the operator needs in a namespace where films are submitted: exactly the calls
wos_operator.cluster and Kopf make (Kopf runs standalone, so no peering objects), no
wildcards.
*/}}
{{- define "who-is-on-screen.operator.namespacedRules" -}}
# The FilmAnalyses it drives: Kopf watches them and patches its annotations and finalizer;
# the operator reads one back before each step.
- apiGroups: ["whoisonscreen.io"]
  resources: ["filmanalyses"]
  verbs: ["get", "list", "watch", "patch"]
# Phase, progress and results go into the status subresource.
- apiGroups: ["whoisonscreen.io"]
  resources: ["filmanalyses/status"]
  verbs: ["patch"]
# Phase changes and failures become Events on the FilmAnalysis.
- apiGroups: [""]
  resources: ["events"]
  verbs: ["create"]
# The gallery Job and the Spark driver Job: created, read for their outcome, and deleted
# (listed by label) when the FilmAnalysis goes or a new run starts.
- apiGroups: ["batch"]
  resources: ["jobs"]
  verbs: ["get", "list", "create", "delete"]
# The Spark settings ConfigMap and the driver's headless Service, which executors connect
# back to: created once, listed and deleted with the run.
- apiGroups: [""]
  resources: ["configmaps", "services"]
  verbs: ["create", "list", "delete"]
# A failed Job's pods: their termination message says why the try failed.
- apiGroups: [""]
  resources: ["pods"]
  verbs: ["list"]
{{- end }}

{{/* The cluster-scoped rules Kopf needs to follow CRDs and namespaces when cluster-wide. */}}
{{- define "who-is-on-screen.operator.clusterRules" -}}
- apiGroups: ["apiextensions.k8s.io"]
  resources: ["customresourcedefinitions"]
  verbs: ["list", "watch"]
- apiGroups: [""]
  resources: ["namespaces"]
  verbs: ["list", "watch"]
{{- end }}

{{/*
The operator's settings: one variable per variable wos_operator.settings reads (see also the
table in docs/architecture.md). The database URL comes from the Secret, never from a value.
*/}}
{{- define "who-is-on-screen.operator.env" -}}
{{- $watched := "" }}
{{- if eq .Values.watch.scope "namespaced" }}
{{- $watched = include "who-is-on-screen.jobNamespaces" . | fromJsonArray | join "," }}
{{- end }}
- name: WOS_WATCH_NAMESPACES
  value: {{ $watched | quote }}
- name: WOS_ANALYZER_IMAGE
  value: {{ include "who-is-on-screen.analyzer.image" . | quote }}
- name: WOS_SCRAPER_IMAGE
  value: {{ include "who-is-on-screen.scraper.image" . | quote }}
{{- /* Only when set, so the operator keeps the scraper's own default site otherwise. */}}
{{- with .Values.scraper.baseUrl }}
- name: WOS_SCRAPER_BASE_URL
  value: {{ . | quote }}
{{- end }}
- name: WOS_IMAGE_PULL_POLICY
  value: {{ .Values.jobs.imagePullPolicy | quote }}
- name: WOS_SPARK_MASTER
  value: {{ .Values.spark.master | quote }}
- name: WOS_SPARK_SERVICE_ACCOUNT
  value: {{ include "who-is-on-screen.spark.serviceAccountName" . | quote }}
- name: WOS_GPU_RESOURCE_NAME
  value: {{ .Values.gpu.resourceName | quote }}
- name: WOS_GPU_NODE_SELECTOR
  value: {{ toJson .Values.gpu.nodeSelector | quote }}
- name: WOS_GPU_TOLERATIONS
  value: {{ toJson .Values.gpu.tolerations | quote }}
- name: WOS_DATABASE_SECRET
  value: {{ include "who-is-on-screen.database.secretName" . | quote }}
- name: WOS_DATABASE_SECRET_KEY
  value: {{ .Values.database.secretKey | quote }}
- name: WOS_DATABASE_URL
  valueFrom:
    secretKeyRef:
      name: {{ include "who-is-on-screen.database.secretName" . }}
      key: {{ .Values.database.secretKey }}
- name: WOS_GALLERY_CLAIM
  value: {{ include "who-is-on-screen.galleries.claimName" . | quote }}
- name: WOS_POLL_SECONDS
  value: {{ .Values.operator.pollSeconds | toString | quote }}
- name: WOS_RETRY_BACKOFF_SECONDS
  value: {{ .Values.operator.retryBackoffSeconds | toString | quote }}
- name: WOS_RETRY_BACKOFF_MAX_SECONDS
  value: {{ .Values.operator.retryBackoffMaxSeconds | toString | quote }}
- name: WOS_HEALTH_PORT
  value: {{ .Values.operator.healthPort | toString | quote }}
{{- end }}
