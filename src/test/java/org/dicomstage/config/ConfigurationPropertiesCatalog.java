package org.dicomstage.config;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.net.InetAddress;
import java.net.URI;
import java.net.URL;
import java.nio.charset.Charset;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Period;
import java.time.temporal.Temporal;
import java.util.Collection;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import org.dicomstage.dicom.DicomNodeConfig;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.context.annotation.ClassPathScanningCandidateComponentProvider;
import org.springframework.core.type.filter.AnnotationTypeFilter;
import org.springframework.util.ClassUtils;
import org.springframework.util.unit.DataSize;

/**
 * The property names of this project's {@code @ConfigurationProperties} classes, found by scanning
 * {@code org.dicomstage} and walking records and JavaBeans: leaves, map and list containers, and map entries as
 * {@code prefix.*.component}.
 */
final class ConfigurationPropertiesCatalog {

    private static final Set<Class<?>> SCALARS = Set.of(String.class, CharSequence.class, Boolean.class,
            Character.class, Duration.class, Period.class, DataSize.class, Path.class, java.io.File.class, URI.class,
            URL.class, Charset.class, Locale.class, Class.class, InetAddress.class);
    private static final int MAX_DEPTH = 6;

    private ConfigurationPropertiesCatalog() {
    }

    static void addTo(ProductionTopologyTest.KnownProperties known) {
        ClassPathScanningCandidateComponentProvider scanner = new ClassPathScanningCandidateComponentProvider(false);
        scanner.addIncludeFilter(new AnnotationTypeFilter(ConfigurationProperties.class));
        for (BeanDefinition candidate : scanner.findCandidateComponents("org.dicomstage")) {
            Class<?> type = ClassUtils.resolveClassName(candidate.getBeanClassName(),
                    ConfigurationPropertiesCatalog.class.getClassLoader());
            ConfigurationProperties annotation = type.getAnnotation(ConfigurationProperties.class);
            String prefix = annotation.prefix().isEmpty() ? annotation.value() : annotation.prefix();
            walk(known, type, prefix, 0);
        }
        if (known.keyed().stream().noneMatch(name -> name.startsWith("dicomstage.nodes.*."))) {
            // Until the node registry's DicomNodeProperties (branch workers) is merged, this branch has no binder for
            // dicomstage.nodes.<name>.*; that class mirrors DicomNodeConfig minus the name, which is the map key.
            for (RecordComponent component : DicomNodeConfig.class.getRecordComponents()) {
                if (!component.getName().equals("name")) {
                    known.add("dicomstage.nodes.*." + kebab(component.getName()), false);
                }
            }
        }
    }

    private static void walk(ProductionTopologyTest.KnownProperties known, Class<?> type, String prefix, int depth) {
        if (depth > MAX_DEPTH) {
            return;
        }
        if (type.isRecord()) {
            for (RecordComponent component : type.getRecordComponents()) {
                property(known, component.getGenericType(), prefix + "." + kebab(component.getName()), depth);
            }
            return;
        }
        for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
            for (Field field : c.getDeclaredFields()) {
                if (!Modifier.isStatic(field.getModifiers()) && !field.isSynthetic()) {
                    property(known, field.getGenericType(), prefix + "." + kebab(field.getName()), depth);
                }
            }
        }
    }

    private static void property(ProductionTopologyTest.KnownProperties known, Type type, String name, int depth) {
        Class<?> raw = raw(type);
        if (scalar(raw)) {
            known.add(name, false);
        } else if (Map.class.isAssignableFrom(raw)) {
            Type value = type instanceof ParameterizedType p ? p.getActualTypeArguments()[1] : Object.class;
            if (scalar(raw(value)) || raw(value) == Object.class) {
                known.add(name, true);
            } else {
                walk(known, raw(value), name + ".*", depth + 1);
            }
        } else if (Collection.class.isAssignableFrom(raw) || raw.isArray()) {
            known.add(name, true);
        } else {
            walk(known, raw, name, depth + 1);
        }
    }

    private static boolean scalar(Class<?> type) {
        return type.isPrimitive() || type.isEnum() || Number.class.isAssignableFrom(type)
                || Temporal.class.isAssignableFrom(type) || SCALARS.contains(type);
    }

    private static Class<?> raw(Type type) {
        if (type instanceof Class<?> c) {
            return c;
        }
        if (type instanceof ParameterizedType p) {
            return (Class<?>) p.getRawType();
        }
        return Object.class;
    }

    static String kebab(String camel) {
        return camel.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT);
    }
}
