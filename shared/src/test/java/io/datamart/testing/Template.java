package io.datamart.testing;

import io.datamart.local.ProjectFiles;

import io.datamart.local.TemplateModel;

/** This checkout's template.yaml, read as data. */
public final class Template {
    private Template() {
    }

    public static TemplateModel load() {
        return TemplateModel.load(ProjectFiles.template());
    }
}
